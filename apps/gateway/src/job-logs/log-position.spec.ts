import { ProctorError } from '@proctor/contracts';
import { comparePositions, eventIdOf, parseLastEventId, streamStart } from './log-position';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as ProctorError).code;
  }
  return 'accepted';
};

describe('Last-Event-ID', () => {
  it('reads back the ids the stream sends', () => {
    expect(parseLastEventId(eventIdOf({ attempt: 2, seq: 17 }))).toEqual({ attempt: 2, seq: 17 });
    expect(parseLastEventId(' 1-0 ')).toEqual({ attempt: 1, seq: 0 });
  });

  it('is absent when missing or empty', () => {
    expect(parseLastEventId(undefined)).toBeUndefined();
    expect(parseLastEventId('')).toBeUndefined();
  });

  it('is a 400 naming the header when it is not an id of ours', () => {
    for (const bad of ['17', '0-3', '1-', 'a-b', '1-2-3', '-1-2', '1-99999999999999', ['1-1', '1-2']]) {
      expect([bad, codeOf(() => parseLastEventId(bad))]).toEqual([bad, 'validation_failed']);
    }
  });
});

describe('comparePositions', () => {
  it('orders by attempt, then seq', () => {
    expect(comparePositions({ attempt: 1, seq: 9 }, { attempt: 2, seq: 1 })).toBeLessThan(0);
    expect(comparePositions({ attempt: 2, seq: 3 }, { attempt: 2, seq: 2 })).toBeGreaterThan(0);
    expect(comparePositions({ attempt: 2, seq: 3 }, { attempt: 2, seq: 3 })).toBe(0);
  });
});

describe('streamStart', () => {
  it('follows from now by default, as the seed does', () => {
    expect(streamStart(undefined, undefined)).toEqual({ from: 'now' });
    expect(streamStart('false', undefined)).toEqual({ from: 'now' });
  });

  it('replays from the beginning when asked', () => {
    expect(streamStart('true', undefined)).toEqual({ from: 'beginning' });
    expect(streamStart('1', undefined)).toEqual({ from: 'beginning' });
  });

  it('resumes after Last-Event-ID whatever from_beginning says', () => {
    expect(streamStart('true', '1-5')).toEqual({ from: 'after', position: { attempt: 1, seq: 5 } });
    expect(streamStart('false', '2-1')).toEqual({ from: 'after', position: { attempt: 2, seq: 1 } });
  });

  it('refuses a from_beginning that is not a boolean', () => {
    expect(codeOf(() => streamStart('maybe', undefined))).toBe('validation_failed');
  });
});
