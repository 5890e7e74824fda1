import type { DeviceSegment, RolloutStatus } from '@proctor/contracts';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A target commit for one segment or one branch, and the thresholds that halt it. */
@Entity({ name: 'rollouts' })
@Index('rollouts_created_idx', ['created_at', 'id'])
@Index('rollouts_status_created_idx', ['status', 'created_at', 'id'])
// At most one active rollout per segment and per branch, enforced by the database (no race).
@Index('rollouts_active_segment_key', ['segment'], { unique: true, where: "status = 'active'" })
@Index('rollouts_active_branch_key', ['branch'], { unique: true, where: "status = 'active'" })
export class Rollout {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  target_commit: string;

  /** Exactly one of segment and branch is set. */
  @Column({ type: 'text', nullable: true })
  segment: DeviceSegment | null;

  @Column({ type: 'text', nullable: true })
  branch: string | null;

  @Column({ type: 'text', default: 'active' })
  status: RolloutStatus;

  @Column({ type: 'double precision' })
  failure_threshold: number;

  @Column({ type: 'integer' })
  health_window_seconds: number;

  @Column({ type: 'integer' })
  pending_deadline_seconds: number;

  @Column({ type: 'text', nullable: true })
  halt_reason: string | null;

  @Column({ type: 'uuid', nullable: true })
  promoted_from: string | null;

  /** Devices of its scope it passed by when created (version locked, maintenance, ...). */
  @Column({ type: 'integer', default: 0 })
  skipped_count: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;
}
