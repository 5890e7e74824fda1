import type { ReportableDeviceStatus } from '@proctor/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Device } from '../device/device.entity';

/**
 * Seed 004's DeviceHeartbeat, one row per heartbeat received. Keyed by the id the gateway stamped on
 * it, so that a heartbeat delivered twice is written once.
 */
@Entity({ name: 'device_heartbeats' })
@Index('device_heartbeats_device_received_idx', ['device_id', 'received_at', 'heartbeat_id'])
// Retention deletes the oldest rows first, in batches, by this index.
@Index('device_heartbeats_received_idx', ['received_at'])
export class DeviceHeartbeat {
  @PrimaryColumn({ type: 'uuid' })
  heartbeat_id: string;

  @Column({ type: 'text' })
  device_id: string;

  @ManyToOne(() => Device, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'device_heartbeats_device_fk' })
  device?: Device;

  @Column({ type: 'text' })
  status: ReportableDeviceStatus;

  @Column({ type: 'real', nullable: true })
  cpu_percent: number | null;

  @Column({ type: 'real', nullable: true })
  memory_percent: number | null;

  @Column({ type: 'real', nullable: true })
  disk_percent: number | null;

  /** Degrees Celsius. */
  @Column({ type: 'real', nullable: true })
  temperature: number | null;

  @Column({ type: 'integer', nullable: true })
  containers_running: number | null;

  @Column({ type: 'integer', nullable: true })
  containers_failed: number | null;

  @Column({ type: 'text', nullable: true })
  current_commit_hash: string | null;

  /** When the gateway accepted it (not when it was written). */
  @Column({ type: 'timestamptz', precision: 3 })
  received_at: Date;
}
