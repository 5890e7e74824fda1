import { countHit } from './fixed-window.throttler-storage';

describe('countHit', () => {
  it('lets `limit` hits through in a window, blocks the next, and starts afresh after the block', () => {
    const windows = new Map();
    const hit = (now: number) => countHit(windows, 'sub:admin', 1000, 3, 1000, now);
    expect([hit(0), hit(10), hit(20)].map((r) => r.isBlocked)).toEqual([false, false, false]);
    expect(hit(30)).toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 1 });
    expect(hit(500).isBlocked).toBe(true);
    expect(hit(1100)).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('counts each client apart', () => {
    const windows = new Map();
    for (let i = 0; i < 5; i++) countHit(windows, 'ip:1', 1000, 2, 1000, 0);
    expect(countHit(windows, 'ip:2', 1000, 2, 1000, 0).isBlocked).toBe(false);
  });
});
