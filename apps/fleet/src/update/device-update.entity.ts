import type { UpdateStatus } from '@proctor/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Device } from '../device/device.entity';

/** Seed 004's DeviceUpdate: one update attempt a device reported, and the rollout it belonged to. */
@Entity({ name: 'device_updates' })
@Index('device_updates_device_created_idx', ['device_id', 'created_at', 'id'])
export class DeviceUpdate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  device_id: string;

  @ManyToOne(() => Device, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'device_updates_device_fk' })
  device?: Device;

  @Column({ type: 'text', nullable: true })
  from_commit_hash: string | null;

  @Column({ type: 'text' })
  to_commit_hash: string;

  @Column({ type: 'text' })
  update_status: UpdateStatus;

  @Column({ type: 'text', nullable: true })
  error_message: string | null;

  @Column({ type: 'boolean', nullable: true })
  health_check_passed: boolean | null;

  /** The active rollout whose target this update was, if any. */
  @Column({ type: 'uuid', nullable: true })
  rollout_id: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
