import { RolloutView } from '@proctor/contracts';
import { Rollout } from './rollout.entity';
import { RolloutDeviceTally } from './rollout.repository';

export function toRolloutView(rollout: Rollout, tally: RolloutDeviceTally): RolloutView {
  return {
    id: rollout.id,
    target_commit: rollout.target_commit,
    segment: rollout.segment,
    branch: rollout.branch,
    status: rollout.status,
    failure_threshold: rollout.failure_threshold,
    health_window_seconds: rollout.health_window_seconds,
    pending_deadline_seconds: rollout.pending_deadline_seconds,
    halt_reason: rollout.halt_reason,
    promoted_from: rollout.promoted_from,
    counts: {
      targeted: tally.targeted,
      pending: tally.pending,
      succeeded: tally.succeeded,
      failed: tally.failed,
      unhealthy: tally.unhealthy,
      expired: tally.expired,
      skipped: rollout.skipped_count,
    },
    created_at: rollout.created_at.toISOString(),
    updated_at: rollout.updated_at.toISOString(),
  };
}
