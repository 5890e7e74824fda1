import { CommonErrorCode, DesiredStateView, DeviceSegment, ProctorError, RolloutSkipReason, RolloutStatus } from '@proctor/contracts';

/** What decides whether a rollout touches a device. */
export interface TargetableDevice {
  device_id: string;
  segment: DeviceSegment;
  branch: string;
  current_commit_hash: string | null;
  maintenance_mode: boolean;
  update_enabled: boolean;
  version_lock: string | null;
}

/** A rollout targets one segment or one branch, never both. */
export interface RolloutScope {
  segment: DeviceSegment | null;
  branch: string | null;
}

export interface CoveringRollout extends RolloutScope {
  id: string;
  target_commit: string;
  status: RolloutStatus;
  created_at: Date;
}

/** The scope a create request names: exactly one of segment and branch. */
export function rolloutScope(request: { segment?: DeviceSegment; branch?: string }): RolloutScope {
  const { segment, branch } = request;
  if ((segment === undefined) === (branch === undefined)) {
    throw new ProctorError(CommonErrorCode.ValidationFailed, 'give a segment or a branch, not both', {
      fields: { segment: ['give a segment or a branch, not both'], branch: ['give a segment or a branch, not both'] },
    });
  }
  return { segment: segment ?? null, branch: branch ?? null };
}

/**
 * Why a rollout of `targetCommit` passes a device by, or null when it targets it. A device in
 * maintenance is left alone first of all; then one whose updates are off; then one pinned to a
 * version; and one that runs the target already has nothing to do.
 */
export function skipReason(device: TargetableDevice, targetCommit: string): RolloutSkipReason | null {
  if (device.maintenance_mode) return 'maintenance_mode';
  if (!device.update_enabled) return 'updates_disabled';
  if (device.version_lock !== null) return 'version_locked';
  if (device.current_commit_hash === targetCommit) return 'already_on_target';
  return null;
}

export function planRollout(
  devices: TargetableDevice[],
  targetCommit: string,
): { targeted: { device_id: string; current_commit_hash: string | null }[]; skipped: { device_id: string; reason: RolloutSkipReason }[] } {
  const targeted: { device_id: string; current_commit_hash: string | null }[] = [];
  const skipped: { device_id: string; reason: RolloutSkipReason }[] = [];
  for (const device of devices) {
    const reason = skipReason(device, targetCommit);
    if (reason) skipped.push({ device_id: device.device_id, reason });
    else targeted.push({ device_id: device.device_id, current_commit_hash: device.current_commit_hash });
  }
  return { targeted, skipped };
}

export function covers(scope: RolloutScope, device: Pick<TargetableDevice, 'segment' | 'branch'>): boolean {
  return scope.segment !== null ? scope.segment === device.segment : scope.branch === device.branch;
}

/** Of the rollouts covering a device (its segment's and its branch's), the newest decides. */
export function coveringRollout<R extends CoveringRollout>(device: Pick<TargetableDevice, 'segment' | 'branch'>, rollouts: R[]): R | null {
  let newest: R | null = null;
  for (const r of rollouts) if (covers(r, device) && (!newest || r.created_at > newest.created_at)) newest = r;
  return newest;
}

/**
 * What a device should run: the target of the newest rollout covering it (active, completed or
 * promoted: a segment keeps the version its last rollout gave it), unless the device is in
 * maintenance, has updates off or is version locked, or that rollout was halted; then no target,
 * and the reason why.
 */
export function desiredState(device: TargetableDevice, rollout: CoveringRollout | null): DesiredStateView {
  const none = (reason: string): DesiredStateView => ({ device_id: device.device_id, target_commit: null, rollout_id: rollout?.id ?? null, reason });
  if (device.maintenance_mode) return none('maintenance_mode');
  if (!device.update_enabled) return none('updates_disabled');
  if (device.version_lock !== null) return none('version_locked');
  if (!rollout) return none('no_rollout');
  if (rollout.status === 'halted') return none('rollout_halted');
  return { device_id: device.device_id, target_commit: rollout.target_commit, rollout_id: rollout.id, reason: null };
}
