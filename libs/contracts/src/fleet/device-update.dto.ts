import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageRequest } from '../common/page';
import { UPDATE_STATUSES, UpdateStatus } from './fleet.messages';

/** A device's report of one update attempt (seed 004's DeviceUpdate). */
export class ReportUpdateRequest {
  @ApiPropertyOptional({ example: 'a1b2c3d' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  from_commit_hash?: string;

  @ApiProperty({ example: 'e4f5a6b' })
  @IsString()
  @Length(1, 64)
  to_commit_hash: string;

  @ApiProperty({ enum: UPDATE_STATUSES })
  @IsIn(UPDATE_STATUSES)
  update_status: UpdateStatus;

  @ApiPropertyOptional({ example: 'docker compose pull failed' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  error_message?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  health_check_passed?: boolean;
}

export class ReportUpdateMessage extends ReportUpdateRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;
}

export class ListDeviceUpdatesRequest extends PageRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;
}

export interface DeviceUpdateView {
  id: string;
  device_id: string;
  from_commit_hash: string | null;
  to_commit_hash: string;
  update_status: UpdateStatus;
  error_message: string | null;
  health_check_passed: boolean | null;
  rollout_id: string | null;
  created_at: string;
}
