import { storableLogText } from './job-log-text';

describe('storableLogText', () => {
  it('keeps ordinary output as it is, line ends and all', () => {
    expect(storableLogText('ok 1 - build\r\nok 2 - test\n')).toBe('ok 1 - build\r\nok 2 - test\n');
  });

  it('replaces every NUL, which Postgres text cannot hold', () => {
    expect(storableLogText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
  });
});
