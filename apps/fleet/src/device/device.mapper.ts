import { DeviceView } from '@proctor/contracts';
import { Device } from './device.entity';

export function toDeviceView(device: Device): DeviceView {
  return {
    device_id: device.device_id,
    hostname: device.hostname,
    role: device.role,
    branch: device.branch,
    segment: device.segment,
    status: device.status,
    ip_address: device.ip_address,
    last_seen: device.last_seen?.toISOString() ?? null,
    current_commit_hash: device.current_commit_hash,
    maintenance_mode: device.maintenance_mode,
    update_enabled: device.update_enabled,
    version_lock: device.version_lock,
    metadata: device.metadata,
    created_at: device.created_at.toISOString(),
    updated_at: device.updated_at.toISOString(),
  };
}
