import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import { PageRequest } from '../common/page';
import { DEVICE_SEGMENTS, DeviceSegment, ROLLOUT_STATUSES, RolloutDeviceState, RolloutSkipReason, RolloutStatus } from './fleet.messages';

/** Targets a commit at one segment or one branch (exactly one of the two). */
export class CreateRolloutRequest {
  @ApiProperty({ example: 'e4f5a6b' })
  @IsString()
  @Length(1, 64)
  target_commit: string;

  @ApiPropertyOptional({ enum: DEVICE_SEGMENTS })
  @ValidateIf((o: CreateRolloutRequest) => o.branch === undefined)
  @IsIn(DEVICE_SEGMENTS, { message: 'give a segment or a branch' })
  segment?: DeviceSegment;

  @ApiPropertyOptional({ example: 'main' })
  @ValidateIf((o: CreateRolloutRequest) => o.segment === undefined)
  @IsString({ message: 'give a segment or a branch' })
  @Length(1, 128)
  branch?: string;

  @ApiPropertyOptional({ example: 0.2, description: 'halt when this share of the devices updated so far failed' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  failure_threshold?: number;

  @ApiPropertyOptional({ example: 600, description: 'how long after updating a device must stay healthy' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  health_window_seconds?: number;

  @ApiPropertyOptional({ example: 3600, description: 'a device that has not reported by then no longer counts (expired)' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  pending_deadline_seconds?: number;

  @ApiPropertyOptional({ description: 'only list which devices it would touch and which it would skip' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

export class ListRolloutsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: ROLLOUT_STATUSES })
  @IsOptional()
  @IsIn(ROLLOUT_STATUSES)
  status?: RolloutStatus;
}

export class RolloutIdRequest {
  @IsUUID()
  id: string;
}

export class PromoteRolloutRequest {
  @IsUUID()
  id: string;

  @ApiProperty({ enum: DEVICE_SEGMENTS, example: 'stable' })
  @IsIn(DEVICE_SEGMENTS)
  to_segment: DeviceSegment;
}

export interface RolloutCounts {
  targeted: number;
  pending: number;
  succeeded: number;
  failed: number;
  unhealthy: number;
  expired: number;
  skipped: number;
}

export interface RolloutView {
  id: string;
  target_commit: string;
  segment: DeviceSegment | null;
  branch: string | null;
  status: RolloutStatus;
  failure_threshold: number;
  health_window_seconds: number;
  pending_deadline_seconds: number;
  halt_reason: string | null;
  promoted_from: string | null;
  counts: RolloutCounts;
  created_at: string;
  updated_at: string;
}

export interface RolloutPlanView {
  dry_run: true;
  target_commit: string;
  segment: DeviceSegment | null;
  branch: string | null;
  targeted: { device_id: string; current_commit_hash: string | null }[];
  skipped: { device_id: string; reason: RolloutSkipReason }[];
}

export interface RolloutDeviceView {
  device_id: string;
  state: RolloutDeviceState;
  updated_at: string;
}

/** What a device should run: the target of the active rollout that covers it, if any. */
export interface DesiredStateView {
  device_id: string;
  target_commit: string | null;
  rollout_id: string | null;
  /** Why there is no target: no rollout, version_locked, maintenance_mode, updates_disabled. */
  reason: string | null;
}

export interface RolloutHaltedEvent {
  rollout_id: string;
  reason: string;
}
