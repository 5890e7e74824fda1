import { LogChunker } from './log-chunker';

describe('LogChunker', () => {
  let chunks: string[];
  const chunker = (maxBytes = 8, maxDelayMs = 25) => new LogChunker({ maxBytes, maxDelayMs, emit: (data) => chunks.push(data) });

  beforeEach(() => {
    chunks = [];
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('cuts a chunk once maxBytes are pending, in order, losing nothing', () => {
    const c = chunker(8);
    c.push(Buffer.from('abcdefghij'));
    c.push(Buffer.from('klmnop'));
    expect(chunks).toEqual(['abcdefgh', 'ijklmnop']);
    c.push(Buffer.from('q'));
    c.end();
    expect(chunks.join('')).toBe('abcdefghijklmnopq');
  });

  it('cuts what is pending maxDelayMs after the first byte of a chunk', () => {
    const c = chunker(1024, 25);
    c.push(Buffer.from('one\n'));
    jest.advanceTimersByTime(20);
    c.push(Buffer.from('two\n'));
    expect(chunks).toEqual([]);
    jest.advanceTimersByTime(5);
    expect(chunks).toEqual(['one\ntwo\n']);
    c.push(Buffer.from('three\n'));
    jest.advanceTimersByTime(24);
    expect(chunks).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(chunks).toEqual(['one\ntwo\n', 'three\n']);
  });

  it('never splits a UTF-8 character between chunks', () => {
    const c = chunker(4);
    const text = 'é€😀ü';
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i++) c.push(bytes.subarray(i, i + 1));
    c.end();
    expect(chunks.join('')).toBe(text);
    expect(chunks.every((chunk) => !chunk.includes('\ufffd'))).toBe(true);
  });

  it('turns the TTY\'s CRLF into LF, even across a chunk border, and keeps a CR alone', () => {
    const c = chunker(4);
    c.push(Buffer.from('ab\r\ncd\r'));
    c.push(Buffer.from('\n10%\r20%'));
    c.end();
    expect(chunks.join('')).toBe('ab\ncd\n10%\r20%');
    expect(chunks.join('')).not.toContain('\r\n');
  });

  it('ends with a trailing CR as written, and takes nothing after the end', () => {
    const c = chunker(1024);
    c.push(Buffer.from('progress\r'));
    c.end();
    c.push(Buffer.from('late'));
    jest.advanceTimersByTime(100);
    expect(chunks.join('')).toBe('progress\r');
  });
});
