import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { PageRequest } from '../common/page';
import { REPORTABLE_DEVICE_STATUSES, ReportableDeviceStatus } from './fleet.messages';

/** A heartbeat as a device sends it (seed 004's DeviceHeartbeat). */
export class HeartbeatRequest {
  @ApiProperty({ enum: REPORTABLE_DEVICE_STATUSES })
  @IsIn(REPORTABLE_DEVICE_STATUSES)
  status: ReportableDeviceStatus;

  @ApiPropertyOptional({ example: 12.5 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  cpu_percent?: number;

  @ApiPropertyOptional({ example: 40.1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  memory_percent?: number;

  @ApiPropertyOptional({ example: 63 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  disk_percent?: number;

  @ApiPropertyOptional({ example: 55.2, description: 'degrees Celsius' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-60)
  @Max(150)
  temperature?: number;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  containers_running?: number;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  containers_failed?: number;

  @ApiPropertyOptional({ example: 'a1b2c3d4', description: 'the commit the device runs now' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  current_commit_hash?: string;
}

/** A heartbeat on its way to the fleet service: stamped by the gateway with its id and arrival time. */
export class HeartbeatMessage extends HeartbeatRequest {
  @IsUUID()
  heartbeat_id: string;

  @IsString()
  @Length(1, 64)
  device_id: string;

  @IsISO8601()
  received_at: string;
}

/**
 * Several heartbeats in one broker message (type HeartbeatMessageType.Batch): the gateway publishes
 * the heartbeats it accepted within a few milliseconds together, and answers each 202 once this one
 * message is confirmed. Each keeps its own heartbeat_id, by which the fleet service de-duplicates.
 */
export class HeartbeatBatchMessage {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => HeartbeatMessage)
  heartbeats: HeartbeatMessage[];
}

export interface HeartbeatAccepted {
  status: 'accepted';
  heartbeat_id: string;
}

export class ListHeartbeatsRequest extends PageRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;
}

export interface HeartbeatView {
  heartbeat_id: string;
  device_id: string;
  status: ReportableDeviceStatus;
  cpu_percent: number | null;
  memory_percent: number | null;
  disk_percent: number | null;
  temperature: number | null;
  containers_running: number | null;
  containers_failed: number | null;
  current_commit_hash: string | null;
  received_at: string;
}
