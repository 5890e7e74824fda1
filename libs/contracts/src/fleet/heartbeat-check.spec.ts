import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isPlainlyValidHeartbeatMessage } from './heartbeat-check';
import { HeartbeatMessage } from './heartbeat.dto';

const stamp = { heartbeat_id: '3f0e4b8a-2c1d-4e5f-9a6b-7c8d9e0f1a2b', device_id: 'pi-camera-01', received_at: '2026-11-23T10:00:00.123Z' };
const full = { status: 'healthy', cpu_percent: 12.5, memory_percent: 40.1, disk_percent: 63, temperature: 55.2, containers_running: 3, containers_failed: 0, current_commit_hash: 'a1b2c3d4', ...stamp };

/** Messages at and around every rule of HeartbeatMessage's stamp (the request's fields have their own edges in heartbeat-body.pipe.spec.ts). */
const MESSAGES: unknown[] = [
  full,
  { status: 'degraded', ...stamp },
  { ...stamp },
  { status: 'healthy', device_id: stamp.device_id, received_at: stamp.received_at },
  { status: 'healthy', heartbeat_id: stamp.heartbeat_id, received_at: stamp.received_at },
  { status: 'healthy', heartbeat_id: stamp.heartbeat_id, device_id: stamp.device_id },
  { ...full, heartbeat_id: stamp.heartbeat_id.toUpperCase() },
  { ...full, heartbeat_id: 'not-a-uuid' },
  { ...full, heartbeat_id: '3f0e4b8a-2c1d-0e5f-9a6b-7c8d9e0f1a2b' },
  { ...full, heartbeat_id: '3f0e4b8a-2c1d-9e5f-9a6b-7c8d9e0f1a2b' },
  { ...full, heartbeat_id: '3f0e4b8a-2c1d-4e5f-7a6b-7c8d9e0f1a2b' },
  { ...full, heartbeat_id: '3f0e4b8a-2c1d-4e5f-ca6b-7c8d9e0f1a2b' },
  { ...full, heartbeat_id: '00000000-0000-0000-0000-000000000000' },
  { ...full, heartbeat_id: `${stamp.heartbeat_id}0` },
  { ...full, heartbeat_id: 42 },
  { ...full, device_id: '' },
  { ...full, device_id: 'd'.repeat(64) },
  { ...full, device_id: 'd'.repeat(65) },
  { ...full, device_id: '😀' },
  { ...full, device_id: null },
  { ...full, received_at: '2026-11-23T10:00:00Z' },
  { ...full, received_at: '2026-11-23T10:00:00.123+02:00' },
  { ...full, received_at: '2026-13-23T10:00:00.123Z' },
  { ...full, received_at: '2026-11-32T10:00:00.123Z' },
  { ...full, received_at: '2026-11-23T24:00:00.123Z' },
  { ...full, received_at: '2026-11-23T23:60:00.123Z' },
  { ...full, received_at: '2026-11-23T23:59:60.123Z' },
  { ...full, received_at: 'yesterday' },
  { ...full, received_at: 1763892000000 },
  { ...full, cpu_percent: 101 },
  { ...full, sneaky: true },
  { ...full, status: 'offline' },
  [full],
  null,
];

const acceptedByClassValidator = (message: unknown): boolean =>
  typeof message === 'object' &&
  message !== null &&
  !Array.isArray(message) &&
  validateSync(plainToInstance(HeartbeatMessage, message), { whitelist: true, forbidNonWhitelisted: true }).length === 0;

describe('isPlainlyValidHeartbeatMessage', () => {
  it('takes heartbeats as the gateway stamps them', () => {
    expect(isPlainlyValidHeartbeatMessage(full)).toBe(true);
    expect(isPlainlyValidHeartbeatMessage({ status: 'failed', ...stamp, received_at: new Date().toISOString() })).toBe(true);
  });

  it('never takes a message that HeartbeatMessage refuses', () => {
    for (const message of MESSAGES) {
      if (isPlainlyValidHeartbeatMessage(message)) expect({ message, valid: acceptedByClassValidator(message) }).toEqual({ message, valid: true });
    }
  });

  it('leaves what it does not take plainly to class-validator: a missing stamp, a foreign shape', () => {
    expect(isPlainlyValidHeartbeatMessage({ status: 'healthy', ...stamp, heartbeat_id: undefined })).toBe(false);
    expect(isPlainlyValidHeartbeatMessage({ ...full, received_at: '2026-11-23T10:00:00Z' })).toBe(false);
    expect(acceptedByClassValidator({ ...full, received_at: '2026-11-23T10:00:00Z' })).toBe(true);
  });
});
