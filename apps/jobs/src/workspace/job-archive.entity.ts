import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A job's project zip, committed with the job row: a job that exists always has its archive, and
 * a restart loses neither. Agents fetch it by a signed URL from the service's HTTP port.
 */
@Entity({ name: 'job_archives' })
export class JobArchive {
  @PrimaryColumn({ type: 'uuid' })
  job_id: string;

  @Column({ type: 'bytea' })
  content: Buffer;

  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'text' })
  sha256: string;
}
