import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A webhook call owed for a finished job, written with the finish; retried until delivered or given up. */
@Entity({ name: 'webhook_deliveries' })
@Index('webhook_deliveries_due_idx', ['next_attempt_at'], { where: 'delivered_at IS NULL AND gave_up_at IS NULL' })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  job_id: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'jsonb' })
  payload: object;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  next_attempt_at: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  delivered_at: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  gave_up_at: Date | null;

  @Column({ type: 'text', nullable: true })
  last_error: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
