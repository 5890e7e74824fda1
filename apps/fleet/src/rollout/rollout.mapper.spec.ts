import { toRolloutView } from './rollout.mapper';
import { Rollout } from './rollout.entity';

describe('toRolloutView', () => {
  it('shows the rollout with its counts, the skipped ones from the rollout itself', () => {
    const rollout: Rollout = {
      id: 'r1',
      target_commit: 'bbb',
      segment: 'canary',
      branch: null,
      status: 'active',
      failure_threshold: 0.2,
      health_window_seconds: 600,
      pending_deadline_seconds: 3600,
      halt_reason: null,
      promoted_from: null,
      skipped_count: 2,
      created_at: new Date('2026-11-23T10:00:00.000Z'),
      updated_at: new Date('2026-11-23T10:05:00.000Z'),
    };
    const view = toRolloutView(rollout, { targeted: 5, pending: 1, succeeded: 2, failed: 1, unhealthy: 1, expired: 0, watching: 1 });
    expect(view).toEqual({
      id: 'r1',
      target_commit: 'bbb',
      segment: 'canary',
      branch: null,
      status: 'active',
      failure_threshold: 0.2,
      health_window_seconds: 600,
      pending_deadline_seconds: 3600,
      halt_reason: null,
      promoted_from: null,
      counts: { targeted: 5, pending: 1, succeeded: 2, failed: 1, unhealthy: 1, expired: 0, skipped: 2 },
      created_at: '2026-11-23T10:00:00.000Z',
      updated_at: '2026-11-23T10:05:00.000Z',
    });
  });
});
