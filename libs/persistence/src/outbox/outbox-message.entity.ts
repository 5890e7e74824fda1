import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An event waiting to be published: written in the same transaction as the state it announces. */
@Entity({ name: 'outbox' })
@Index('outbox_unsent_idx', ['id'], { where: 'sent_at IS NULL' })
@Index('outbox_sent_at_idx', ['sent_at'], { where: 'sent_at IS NOT NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid', unique: true })
  message_id: string;

  @Column({ type: 'text' })
  routing_key: string;

  @Column({ type: 'jsonb' })
  payload: unknown;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  headers: Record<string, string>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  next_attempt_at: Date;

  @Column({ type: 'text', nullable: true })
  last_error: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sent_at: Date | null;
}
