import { isSupportedApiVersion } from './api-version';

describe('isSupportedApiVersion', () => {
  it('accepts no header and version 1', () => {
    expect(isSupportedApiVersion(undefined)).toBe(true);
    expect(isSupportedApiVersion('1')).toBe(true);
    expect(isSupportedApiVersion(' 1 ')).toBe(true);
  });

  it('refuses versions it does not speak', () => {
    expect(isSupportedApiVersion('2')).toBe(false);
    expect(isSupportedApiVersion('')).toBe(false);
    expect(isSupportedApiVersion(['0'])).toBe(false);
  });
});
