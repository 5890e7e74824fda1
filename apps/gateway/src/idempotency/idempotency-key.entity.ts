import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { IdempotencyState } from './idempotency-decision';

/** A request made with an `Idempotency-Key`: while it runs, then its answer, kept until `expires_at`. */
@Entity({ name: 'idempotency_keys' })
@Index('idempotency_keys_expires_idx', ['expires_at'])
export class IdempotencyKey {
  /** Whose key: `agent:<id>` or `user:<subject>`. */
  @PrimaryColumn({ type: 'text' })
  scope: string;

  @PrimaryColumn({ type: 'text' })
  key: string;

  /** SHA-256 of method, path and body (`request-fingerprint.ts`). */
  @Column({ type: 'text' })
  request_hash: string;

  @Column({ type: 'text' })
  state: IdempotencyState;

  @Column({ type: 'integer', nullable: true })
  status_code: number | null;

  /** The body answered (for an error, its envelope without the request id). */
  @Column({ type: 'jsonb', nullable: true })
  response: unknown;

  /** While in progress: past this, the gateway that took it is presumed dead and a retry may take over. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  locked_until: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  expires_at: Date;
}
