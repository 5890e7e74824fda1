import { LogStreamCursor } from './log-stream-cursor';

const at = (attempt: number, seq: number) => ({ attempt, seq });

/** Feeds live chunks through the cursor as a stream would, filling gaps from `stored`. */
function run(cursor: LogStreamCursor, live: { attempt: number; seq: number }[], stored: { attempt: number; seq: number }[]) {
  const sent: string[] = [];
  const send = (c: { attempt: number; seq: number }) => {
    sent.push(`${c.attempt}-${c.seq}`);
    cursor.sent(c);
  };
  for (const chunk of live) {
    const decision = cursor.decide(chunk);
    if (decision.action === 'fill') {
      for (const s of stored) if (cursor.isNew(s) && (s.attempt < decision.until.attempt || (s.attempt === decision.until.attempt && s.seq <= decision.until.seq))) send(s);
      if (cursor.decide(chunk).action === 'send') send(chunk);
    } else if (decision.action === 'send') {
      send(chunk);
    }
  }
  return sent;
}

describe('LogStreamCursor', () => {
  it('sends the next chunk of the attempt and skips what it already sent', () => {
    const cursor = new LogStreamCursor({ from: 'beginning' });
    expect(cursor.decide(at(1, 1))).toEqual({ action: 'send' });
    cursor.sent(at(1, 1));
    expect(cursor.decide(at(1, 1))).toEqual({ action: 'skip' });
    expect(cursor.decide(at(1, 2))).toEqual({ action: 'send' });
  });

  it('fills a gap up to the chunk before the one that came', () => {
    const cursor = new LogStreamCursor({ from: 'after', position: at(1, 3) });
    expect(cursor.decide(at(1, 7))).toEqual({ action: 'fill', until: at(1, 6) });
    expect(cursor.decide(at(2, 1))).toEqual({ action: 'fill', until: at(2, 0) });
  });

  it('replays then follows with no repeat and no gap, whatever overlaps (live chunks buffered during the replay)', () => {
    const stored = [1, 2, 3, 4, 5].map((s) => at(1, s));
    const cursor = new LogStreamCursor({ from: 'beginning' });
    for (const s of stored.slice(0, 3)) if (cursor.isNew(s)) cursor.sent(s);
    // Buffered while replaying: 3 (already replayed), 5 (4 was missed live), then 6.
    expect(run(cursor, [at(1, 3), at(1, 5), at(1, 6)], stored)).toEqual(['1-4', '1-5', '1-6']);
  });

  it('follows from now: the first live chunk sets the place, later gaps are filled', () => {
    const cursor = new LogStreamCursor({ from: 'now' });
    expect(cursor.position).toBeNull();
    const stored = [1, 2, 3, 4, 5, 6].map((s) => at(1, s));
    expect(run(cursor, [at(1, 3), at(1, 4), at(1, 6)], stored)).toEqual(['1-3', '1-4', '1-5', '1-6']);
  });

  it('moves on to a new attempt after filling what is stored of the old one', () => {
    const cursor = new LogStreamCursor({ from: 'after', position: at(1, 1) });
    expect(run(cursor, [at(2, 1), at(2, 2)], [at(1, 1), at(1, 2), at(2, 1)])).toEqual(['1-2', '2-1', '2-2']);
  });

  it('takes a stored chunk only right after the last one sent: the next of the attempt, or the first of a later one', () => {
    const cursor = new LogStreamCursor({ from: 'after', position: at(1, 3) });
    expect(cursor.follows(at(1, 4))).toBe(true);
    expect(cursor.follows(at(1, 5))).toBe(false);
    expect(cursor.follows(at(2, 1))).toBe(true);
    expect(cursor.follows(at(2, 2))).toBe(false);
    expect(new LogStreamCursor({ from: 'now' }).follows(at(3, 9))).toBe(true);
  });

  it('is complete once finished and every chunk up to the last is sent', () => {
    const cursor = new LogStreamCursor({ from: 'beginning' });
    cursor.sent(at(1, 2));
    cursor.finish({ last: at(1, 3), success: true, status: 'completed' });
    expect(cursor.isComplete()).toBe(false);
    cursor.sent(at(1, 3));
    expect(cursor.isComplete()).toBe(true);
    expect(cursor.ending).toEqual({ last: at(1, 3), success: true, status: 'completed' });
  });

  it('keeps the first word of the ending', () => {
    const cursor = new LogStreamCursor({ from: 'beginning' });
    cursor.finish({ last: at(1, 3), success: false, status: 'failed' });
    cursor.finish({ last: at(1, 9), success: true, status: 'completed' });
    expect(cursor.ending?.status).toBe('failed');
  });

  it('completes a stream following from now at once when nothing came', () => {
    const cursor = new LogStreamCursor({ from: 'now' });
    cursor.finish({ last: at(1, 40), success: true, status: 'completed' });
    expect(cursor.isComplete()).toBe(true);
  });

  it('covers the start of an attempt once the store is exhausted, and a seq only once sent', () => {
    const cursor = new LogStreamCursor({ from: 'after', position: at(1, 4) });
    expect(cursor.covers(at(2, 0))).toBe(true);
    expect(cursor.covers(at(1, 5))).toBe(false);
    cursor.sent(at(1, 5));
    expect(cursor.covers(at(1, 5))).toBe(true);
  });
});
