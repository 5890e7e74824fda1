import { requestIdFrom } from './request-hooks';

describe('requestIdFrom', () => {
  it('keeps a sane caller request id', () => {
    expect(requestIdFrom('dash-7f3a.1')).toBe('dash-7f3a.1');
  });

  it('replaces a missing or hostile one with a UUID', () => {
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x\n{"level":"fatal"}')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('a'.repeat(200))).toMatch(/^[0-9a-f-]{36}$/);
  });
});
