import { firstSweepDelayMs, OFFLINE_SWEEP_LIMIT, offlineCutoff, sweepAgain } from './offline-marker';

describe('offline marker', () => {
  it('finds overdue what was last seen more than the threshold ago', () => {
    expect(offlineCutoff(new Date('2026-11-23T10:01:30.000Z'), 90)).toEqual(new Date('2026-11-23T10:00:00.000Z'));
  });

  it('waits one threshold after a start before the first sweep, and at least one interval', () => {
    expect(firstSweepDelayMs(90, 5000)).toBe(90_000);
    expect(firstSweepDelayMs(1, 5000)).toBe(5000);
  });

  it('sweeps again only when a statement marked as many as it may', () => {
    expect(sweepAgain(OFFLINE_SWEEP_LIMIT)).toBe(true);
    expect(sweepAgain(OFFLINE_SWEEP_LIMIT - 1)).toBe(false);
  });
});
