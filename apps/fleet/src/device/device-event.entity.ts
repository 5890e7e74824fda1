import type { DeviceEventType, EventSeverity } from '@proctor/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Device } from './device.entity';

/** Seed 004's DeviceEvent: what happened to a device (registration, online, offline, update, ...). */
@Entity({ name: 'device_events' })
@Index('device_events_device_created_idx', ['device_id', 'created_at', 'id'])
export class DeviceEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  device_id: string;

  @ManyToOne(() => Device, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'device_events_device_fk' })
  device?: Device;

  @Column({ type: 'text' })
  event_type: DeviceEventType;

  @Column({ type: 'text' })
  severity: EventSeverity;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
