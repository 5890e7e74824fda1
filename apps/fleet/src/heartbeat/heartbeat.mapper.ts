import { HeartbeatView } from '@proctor/contracts';
import { DeviceHeartbeat } from './device-heartbeat.entity';

export function toHeartbeatView(heartbeat: DeviceHeartbeat): HeartbeatView {
  return {
    heartbeat_id: heartbeat.heartbeat_id,
    device_id: heartbeat.device_id,
    status: heartbeat.status,
    cpu_percent: heartbeat.cpu_percent,
    memory_percent: heartbeat.memory_percent,
    disk_percent: heartbeat.disk_percent,
    temperature: heartbeat.temperature,
    containers_running: heartbeat.containers_running,
    containers_failed: heartbeat.containers_failed,
    current_commit_hash: heartbeat.current_commit_hash,
    received_at: heartbeat.received_at.toISOString(),
  };
}
