import { ProctorError } from '@proctor/contracts';
import { CoveringRollout, coveringRollout, desiredState, planRollout, rolloutScope, skipReason, TargetableDevice } from './rollout-targeting';

const device = (over: Partial<TargetableDevice> = {}): TargetableDevice => ({
  device_id: 'pi-1',
  segment: 'canary',
  branch: 'main',
  current_commit_hash: 'aaa',
  maintenance_mode: false,
  update_enabled: true,
  version_lock: null,
  ...over,
});

const rollout = (over: Partial<CoveringRollout> = {}): CoveringRollout => ({
  id: 'r1',
  target_commit: 'bbb',
  segment: 'canary',
  branch: null,
  status: 'active',
  created_at: new Date('2026-11-23T10:00:00Z'),
  ...over,
});

describe('rolloutScope', () => {
  it('takes a segment or a branch', () => {
    expect(rolloutScope({ segment: 'canary' })).toEqual({ segment: 'canary', branch: null });
    expect(rolloutScope({ branch: 'develop' })).toEqual({ segment: null, branch: 'develop' });
  });

  it('refuses both, or neither, as a validation error', () => {
    expect(() => rolloutScope({ segment: 'canary', branch: 'main' })).toThrow(ProctorError);
    expect(() => rolloutScope({})).toThrow('give a segment or a branch, not both');
  });
});

describe('skipReason', () => {
  it('targets a device that can update and runs another commit', () => {
    expect(skipReason(device(), 'bbb')).toBeNull();
    expect(skipReason(device({ current_commit_hash: null }), 'bbb')).toBeNull();
  });

  it('says why it passes a device by, maintenance first', () => {
    expect(skipReason(device({ maintenance_mode: true, update_enabled: false, version_lock: 'x' }), 'bbb')).toBe('maintenance_mode');
    expect(skipReason(device({ update_enabled: false, version_lock: 'x' }), 'bbb')).toBe('updates_disabled');
    expect(skipReason(device({ version_lock: 'aaa' }), 'bbb')).toBe('version_locked');
    expect(skipReason(device({ current_commit_hash: 'bbb' }), 'bbb')).toBe('already_on_target');
  });
});

describe('planRollout', () => {
  it('splits devices into targeted and skipped, with reasons', () => {
    const plan = planRollout(
      [device({ device_id: 'a' }), device({ device_id: 'b', maintenance_mode: true }), device({ device_id: 'c', current_commit_hash: null })],
      'bbb',
    );
    expect(plan).toEqual({
      targeted: [
        { device_id: 'a', current_commit_hash: 'aaa' },
        { device_id: 'c', current_commit_hash: null },
      ],
      skipped: [{ device_id: 'b', reason: 'maintenance_mode' }],
    });
  });
});

describe('coveringRollout', () => {
  it('takes the newest rollout of the device segment or branch', () => {
    const segment = rollout({ id: 'seg', created_at: new Date('2026-11-23T10:00:00Z') });
    const branch = rollout({ id: 'br', segment: null, branch: 'main', created_at: new Date('2026-11-23T11:00:00Z') });
    const other = rollout({ id: 'other', segment: 'stable', created_at: new Date('2026-11-23T12:00:00Z') });
    expect(coveringRollout(device(), [segment, branch, other])?.id).toBe('br');
    expect(coveringRollout(device({ branch: 'develop' }), [segment, branch, other])?.id).toBe('seg');
    expect(coveringRollout(device({ segment: 'beta', branch: 'x' }), [segment, branch, other])).toBeNull();
  });
});

describe('desiredState', () => {
  it('gives the covering rollout target', () => {
    expect(desiredState(device(), rollout())).toEqual({ device_id: 'pi-1', target_commit: 'bbb', rollout_id: 'r1', reason: null });
    expect(desiredState(device(), rollout({ status: 'completed' })).target_commit).toBe('bbb');
  });

  it('gives no target, and why, to a device the rollout passes by', () => {
    expect(desiredState(device({ maintenance_mode: true }), rollout())).toEqual({ device_id: 'pi-1', target_commit: null, rollout_id: 'r1', reason: 'maintenance_mode' });
    expect(desiredState(device({ update_enabled: false }), rollout()).reason).toBe('updates_disabled');
    expect(desiredState(device({ version_lock: 'aaa' }), rollout()).reason).toBe('version_locked');
  });

  it('gives no target without a rollout, or when it was halted', () => {
    expect(desiredState(device(), null)).toEqual({ device_id: 'pi-1', target_commit: null, rollout_id: null, reason: 'no_rollout' });
    expect(desiredState(device(), rollout({ status: 'halted' }))).toEqual({ device_id: 'pi-1', target_commit: null, rollout_id: 'r1', reason: 'rollout_halted' });
  });
});
