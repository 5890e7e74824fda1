import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DeviceSegment, DeviceStatus } from '@proctor/contracts';

/** A field device, keyed by the id it names itself with (the fleet API's primary key). */
@Entity({ name: 'devices' })
@Index('devices_created_idx', ['created_at', 'device_id'])
@Index('devices_role_created_idx', ['role', 'created_at', 'device_id'])
@Index('devices_status_created_idx', ['status', 'created_at', 'device_id'])
@Index('devices_segment_created_idx', ['segment', 'created_at', 'device_id'])
@Index('devices_branch_created_idx', ['branch', 'created_at', 'device_id'])
@Index('devices_maintenance_created_idx', ['maintenance_mode', 'created_at', 'device_id'])
// Serves the last_seen filters of the list and the offline sweep (a range on last_seen).
@Index('devices_last_seen_idx', ['last_seen', 'created_at', 'device_id'])
@Index('devices_key_hash_key', ['key_hash'], { unique: true })
export class Device {
  @PrimaryColumn({ type: 'text' })
  device_id: string;

  @Column({ type: 'text' })
  hostname: string;

  @Column({ type: 'text' })
  role: string;

  /** The git branch the device follows. */
  @Column({ type: 'text', default: 'main' })
  branch: string;

  @Column({ type: 'text', default: 'stable' })
  segment: DeviceSegment;

  /** Offline until its first heartbeat says otherwise. */
  @Column({ type: 'text', default: 'offline' })
  status: DeviceStatus;

  @Column({ type: 'text', nullable: true })
  ip_address: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  last_seen: Date | null;

  @Column({ type: 'text', nullable: true })
  current_commit_hash: string | null;

  @Column({ type: 'boolean', default: false })
  maintenance_mode: boolean;

  @Column({ type: 'boolean', default: true })
  update_enabled: boolean;

  /** Pins the device to one version; rollouts pass it by. */
  @Column({ type: 'text', nullable: true })
  version_lock: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /** SHA-256 (hex) of the device's own key; null until one is issued. Never leaves the service. */
  @Column({ type: 'text', nullable: true })
  key_hash: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;
}
