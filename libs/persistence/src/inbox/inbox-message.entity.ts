import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A message a consumer has applied, so that a redelivery of the same message id is applied once. */
@Entity({ name: 'inbox' })
@Index('inbox_processed_at_idx', ['processed_at'])
export class InboxMessage {
  @PrimaryColumn({ type: 'text' })
  message_id: string;

  @PrimaryColumn({ type: 'text' })
  consumer: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  processed_at: Date;
}
