import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsIP, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageRequest } from '../common/page';
import { DEVICE_SEGMENTS, DEVICE_STATUSES, DeviceSegment, DeviceStatus } from './fleet.messages';

export class RegisterDeviceRequest {
  @ApiProperty({ example: 'pi-camera-01' })
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'device_id may hold only letters, digits, ".", "_" and "-"' })
  device_id: string;

  @ApiProperty({ example: 'pi-camera-01.local' })
  @IsString()
  @Length(1, 255)
  hostname: string;

  @ApiProperty({ example: 'camera-dual' })
  @IsString()
  @Length(1, 64)
  role: string;

  @ApiPropertyOptional({ example: 'main' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  branch?: string;

  @ApiPropertyOptional({ enum: DEVICE_SEGMENTS })
  @IsOptional()
  @IsIn(DEVICE_SEGMENTS)
  segment?: DeviceSegment;

  @ApiPropertyOptional({ example: '192.168.1.100' })
  @IsOptional()
  @IsIP()
  ip_address?: string;
}

export class ListDevicesRequest extends PageRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  role?: string;

  @ApiPropertyOptional({ enum: DEVICE_STATUSES })
  @IsOptional()
  @IsIn(DEVICE_STATUSES)
  status?: DeviceStatus;

  @ApiPropertyOptional({ enum: DEVICE_SEGMENTS })
  @IsOptional()
  @IsIn(DEVICE_SEGMENTS)
  segment?: DeviceSegment;
}

export class DeviceIdRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;
}

export interface DeviceView {
  device_id: string;
  hostname: string;
  role: string;
  branch: string;
  segment: DeviceSegment;
  status: DeviceStatus;
  ip_address: string | null;
  last_seen: string | null;
  current_commit_hash: string | null;
  maintenance_mode: boolean;
  update_enabled: boolean;
  version_lock: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface DeviceRegisteredEvent {
  device_id: string;
  role: string;
  segment: DeviceSegment;
}
