import type { AgentCapabilities } from '@proctor/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the exercises service knows of a lab agent: a read model kept from the agents service's
 * events, since it may not read the agents schema.
 */
@Entity({ name: 'agent_directory' })
export class AgentDirectoryEntry {
  @PrimaryColumn({ type: 'uuid' })
  agent_id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels: Record<string, string>;

  /** As the agent last announced them (`agents.agent.online`): a client is sent to its server's address. */
  @Column({ type: 'jsonb', nullable: true })
  capabilities: AgentCapabilities | null;

  /** Set once the agent is deleted; the row stays so that a late `created` cannot bring it back. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  deleted_at: Date | null;

  /** The presence_seq of the online/offline event applied last: an older one arriving later is stale. */
  @Column({ type: 'bigint', nullable: true })
  presence_seq: string | null;
}
