import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { HostStatus } from '@proctor/contracts';

/** A device host: the machine that drives devices under test, known by its unique host name. */
@Entity({ name: 'hosts' })
@Index('hosts_created_idx', ['created_at', 'id'])
@Index('hosts_status_created_idx', ['status', 'created_at', 'id'])
export class Host {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  host_name: string;

  @Column({ type: 'text' })
  host_url: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  capabilities: string[];

  @Column({ type: 'text', default: 'available' })
  status: HostStatus;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  last_ping: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
