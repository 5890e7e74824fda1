import { healthWindowClosed, judgeRollout, pendingDeadlinePassed, stateForReport, turnedUnhealthy } from './rollout-health';

describe('stateForReport', () => {
  it('counts a success as succeeded, unless its health check failed', () => {
    expect(stateForReport({ update_status: 'success' })).toBe('succeeded');
    expect(stateForReport({ update_status: 'success', health_check_passed: true })).toBe('succeeded');
    expect(stateForReport({ update_status: 'success', health_check_passed: false })).toBe('unhealthy');
  });

  it('counts a failed or rolled back update as failed', () => {
    expect(stateForReport({ update_status: 'failed' })).toBe('failed');
    expect(stateForReport({ update_status: 'rolled_back', health_check_passed: true })).toBe('failed');
  });
});

describe('turnedUnhealthy', () => {
  const healthy = { went_offline: false, reported_failed: false, max_containers_failed: 0 };

  it('keeps a device that stayed online, healthy and with every container up', () => {
    expect(turnedUnhealthy(healthy)).toBe(false);
  });

  it('blames lost heartbeats, a failed status and failed containers', () => {
    expect(turnedUnhealthy({ ...healthy, went_offline: true })).toBe(true);
    expect(turnedUnhealthy({ ...healthy, reported_failed: true })).toBe(true);
    expect(turnedUnhealthy({ ...healthy, max_containers_failed: 1 })).toBe(true);
  });
});

describe('windows and deadlines', () => {
  const t = new Date('2026-11-23T10:00:00.000Z');
  const later = (s: number) => new Date(t.getTime() + s * 1000);

  it('closes the health window once it has passed', () => {
    expect(healthWindowClosed(t, 600, later(599))).toBe(false);
    expect(healthWindowClosed(t, 600, later(600))).toBe(true);
    expect(healthWindowClosed(t, 0, t)).toBe(true);
  });

  it('passes the pending deadline counted from the rollout creation', () => {
    expect(pendingDeadlinePassed(t, 3600, later(3599))).toBe(false);
    expect(pendingDeadlinePassed(t, 3600, later(3600))).toBe(true);
  });
});

describe('judgeRollout', () => {
  const tally = { pending: 0, succeeded: 0, failed: 0, unhealthy: 0, expired: 0, watching: 0 };

  it('halts when failures among the devices that reported pass the threshold, naming the figures', () => {
    expect(judgeRollout({ ...tally, pending: 10, succeeded: 3, failed: 1 }, 0.2)).toEqual({
      action: 'halt',
      reason: '1 of 4 devices that reported failed or turned unhealthy (1 failed, 0 unhealthy), above the threshold of 0.2',
    });
  });

  it('counts devices that turned unhealthy as failures', () => {
    expect(judgeRollout({ ...tally, pending: 5, succeeded: 1, unhealthy: 1 }, 0.3).action).toBe('halt');
  });

  it('does not halt at the threshold itself, nor before anyone reported', () => {
    expect(judgeRollout({ ...tally, pending: 5, succeeded: 4, failed: 1 }, 0.2).action).toBe('continue');
    expect(judgeRollout({ ...tally, pending: 5 }, 0).action).toBe('continue');
  });

  it('completes when nothing is pending and no health window is open; expired devices block nothing', () => {
    expect(judgeRollout({ ...tally, succeeded: 3, expired: 2 }, 0.2)).toEqual({ action: 'complete' });
    expect(judgeRollout({ ...tally, succeeded: 3, watching: 1 }, 0.2).action).toBe('continue');
    expect(judgeRollout({ ...tally, succeeded: 3, pending: 1 }, 0.2).action).toBe('continue');
  });

  it('completes an empty rollout at once', () => {
    expect(judgeRollout(tally, 0.2)).toEqual({ action: 'complete' });
  });
});
