import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AgentStatus } from '@proctor/contracts';

@Entity({ name: 'agents' })
@Index('agents_created_idx', ['created_at', 'id'])
@Index('agents_status_created_idx', ['status', 'created_at', 'id'])
export class Agent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  /**
   * SHA-256 (hex) of the agent key (`agent-key.ts`); the key itself is shown once, at creation.
   * Unique: no two agents share a key, and authentication is an index hit.
   */
  @Index('agents_key_sha256_key', { unique: true })
  @Column({ type: 'text' })
  key_sha256: string;

  @Column({ type: 'text', default: 'offline' })
  status: AgentStatus;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels: Record<string, string>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  capabilities: Record<string, unknown>;

  /** The daemon's version, as it last registered. */
  @Column({ type: 'text', nullable: true })
  daemon_version: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  last_heartbeat: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;

  /**
   * Bumped by every presence change (registration, heartbeat, disconnect, offline sweep) under the
   * row lock, and carried by the online/offline events: consumers handle events concurrently, and
   * keep an agent's presence from the newest one whatever order they arrive in. bigint: a string.
   */
  @Column({ type: 'bigint', default: 0 })
  presence_seq: string;
}
