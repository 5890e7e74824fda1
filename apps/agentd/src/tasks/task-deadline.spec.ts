import { msUntilDeadline, serverClockOffsetMs } from './task-deadline';

const now = Date.parse('2030-01-01T00:00:00.000Z');

describe('msUntilDeadline', () => {
  it('is the time left on a clock that agrees with the server', () => {
    expect(msUntilDeadline('2030-01-01T00:00:30.000Z', now, 0)).toBe(30_000);
  });

  it('moves the deadline onto a local clock that is behind or ahead of the server', () => {
    // Our clock is 5 s behind the server's: the server's 00:00:30 is our 00:00:25.
    expect(msUntilDeadline('2030-01-01T00:00:30.000Z', now, 5000)).toBe(25_000);
    expect(msUntilDeadline('2030-01-01T00:00:30.000Z', now, -5000)).toBe(35_000);
  });

  it('is 0 for a deadline already past, undefined for one that is not a date', () => {
    expect(msUntilDeadline('2029-12-31T23:59:00.000Z', now, 0)).toBe(0);
    expect(msUntilDeadline('soon', now, 0)).toBeUndefined();
  });
});

describe('serverClockOffsetMs', () => {
  it('takes the server time as read at the midpoint of the round trip', () => {
    expect(serverClockOffsetMs(now, now + 100, '2030-01-01T00:00:05.050Z')).toBe(5000);
    expect(serverClockOffsetMs(now, now + 100, '2029-12-31T23:59:59.050Z')).toBe(-1000);
  });

  it('is undefined for an unreadable time', () => {
    expect(serverClockOffsetMs(now, now, 'yesterday')).toBeUndefined();
  });
});
