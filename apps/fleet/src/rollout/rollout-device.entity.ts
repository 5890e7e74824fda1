import type { RolloutDeviceState } from '@proctor/contracts';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Device } from '../device/device.entity';
import { Rollout } from './rollout.entity';

/** Where one device stands in one rollout. */
@Entity({ name: 'rollout_devices' })
export class RolloutDevice {
  @PrimaryColumn({ type: 'uuid' })
  rollout_id: string;

  @ManyToOne(() => Rollout, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rollout_id', foreignKeyConstraintName: 'rollout_devices_rollout_fk' })
  rollout?: Rollout;

  @PrimaryColumn({ type: 'text' })
  device_id: string;

  @ManyToOne(() => Device, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'rollout_devices_device_fk' })
  device?: Device;

  @Column({ type: 'text', default: 'pending' })
  state: RolloutDeviceState;

  /** When the device reported its update to the target: its health window starts here. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  reported_at: Date | null;

  /** When its health window closed with the device healthy; until then it can still turn unhealthy. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  health_confirmed_at: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;
}
