import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A file the job spec named, collected by the agent after the run. */
@Entity({ name: 'job_artifacts' })
export class JobArtifact {
  @PrimaryColumn({ type: 'uuid' })
  job_id: string;

  @PrimaryColumn({ type: 'text' })
  path: string;

  @Column({ type: 'int' })
  attempt: number;

  @Column({ type: 'bytea' })
  content: Buffer;

  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;
}
