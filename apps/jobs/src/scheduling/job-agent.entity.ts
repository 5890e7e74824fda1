import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the jobs service knows of a lab agent, kept from the agents service's events (it may not
 * read the agents schema): whether it is online, has Docker, and how many jobs it runs at once.
 */
@Entity({ name: 'job_agents' })
export class JobAgent {
  @PrimaryColumn({ type: 'uuid' })
  agent_id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'boolean', default: false })
  online: boolean;

  @Column({ type: 'boolean', default: false })
  docker: boolean;

  @Column({ type: 'int', default: 1 })
  max_jobs: number;

  /** Set once the agent is deleted; the row stays so that a late event cannot bring it back. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  deleted_at: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;

  /** The presence_seq of the online/offline event applied last: an older one arriving later is stale. */
  @Column({ type: 'bigint', nullable: true })
  presence_seq: string | null;
}
