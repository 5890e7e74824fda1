import { DeviceUpdateView } from '@proctor/contracts';
import { DeviceUpdate } from './device-update.entity';

export function toDeviceUpdateView(update: DeviceUpdate): DeviceUpdateView {
  return {
    id: update.id,
    device_id: update.device_id,
    from_commit_hash: update.from_commit_hash,
    to_commit_hash: update.to_commit_hash,
    update_status: update.update_status,
    error_message: update.error_message,
    health_check_passed: update.health_check_passed,
    rollout_id: update.rollout_id,
    created_at: update.created_at.toISOString(),
  };
}
