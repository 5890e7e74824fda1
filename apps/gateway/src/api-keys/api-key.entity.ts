import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A CI client's key: only its SHA-256 is kept (the key is shown once, when created). Deleting the row revokes it. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Names the client: its principal is `api-key:<name>` (who submitted a job, whose rate limit). */
  @Column({ type: 'text', unique: true })
  name: string;

  /** secretDigest of the key (libs/auth), looked up on every request. */
  @Column({ type: 'text', unique: true })
  key_digest: string;

  /** The admin who created it. */
  @Column({ type: 'text' })
  created_by: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
