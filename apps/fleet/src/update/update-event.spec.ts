import { updateEvent } from './update-event';

describe('updateEvent', () => {
  it('records a successful update as info, with every field of the report', () => {
    expect(updateEvent('pi-1', { from_commit_hash: 'aaa', to_commit_hash: 'bbb', update_status: 'success', health_check_passed: true }, 'r1')).toEqual({
      device_id: 'pi-1',
      event_type: 'update',
      severity: 'info',
      message: 'update aaa → bbb: success',
      details: { from_commit_hash: 'aaa', to_commit_hash: 'bbb', update_status: 'success', error_message: null, health_check_passed: true, rollout_id: 'r1' },
    });
  });

  it('records a failure as an error with its message, a rollback or a failed health check as a warning', () => {
    const failed = updateEvent('pi-1', { to_commit_hash: 'bbb', update_status: 'failed', error_message: 'pull failed' }, null);
    expect([failed.severity, failed.message]).toEqual(['error', 'update ? → bbb: failed: pull failed']);
    expect(updateEvent('pi-1', { to_commit_hash: 'bbb', update_status: 'rolled_back' }, null)).toMatchObject({
      severity: 'warning',
      message: 'update ? → bbb: rolled back',
    });
    expect(updateEvent('pi-1', { to_commit_hash: 'bbb', update_status: 'success', health_check_passed: false }, null).severity).toBe('warning');
  });
});
