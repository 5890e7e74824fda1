import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsIP, IsObject, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { PageRequest } from '../common/page';
import { DEVICE_SEGMENTS, DEVICE_STATUSES, DeviceSegment, DeviceStatus, REPORTABLE_DEVICE_STATUSES, ReportableDeviceStatus } from './fleet.messages';

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

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  branch?: string;

  @ApiPropertyOptional({ description: 'only devices in (true) or out of (false) maintenance mode' })
  @IsOptional()
  // From a query string: Boolean('false') would be true, so only the words true and false convert.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  maintenance?: boolean;

  @ApiPropertyOptional({ description: 'last heartbeat before this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  last_seen_before?: Date;

  @ApiPropertyOptional({ description: 'last heartbeat after this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  last_seen_after?: Date;
}

export class DeviceIdRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;
}

/** What the gateway sends fleet for a registration: the body, and whether to issue a new device key. */
export class RegisterDeviceMessage extends RegisterDeviceRequest {
  @IsBoolean()
  issue_key: boolean;
}

/** A registration's answer: the device, and its key when one was issued (shown only this once). */
export interface RegisteredDeviceView extends DeviceView {
  device_key: string | null;
}

export class UpdateDeviceStatusRequest {
  @ApiProperty({ enum: REPORTABLE_DEVICE_STATUSES })
  @IsIn(REPORTABLE_DEVICE_STATUSES)
  status: ReportableDeviceStatus;

  @ApiPropertyOptional({ example: 'camera 2 not detected' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  message?: string;
}

export class UpdateDeviceStatusMessage extends UpdateDeviceStatusRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;
}

/** Admin settings of a device; every field optional, `version_lock: null` unlocks. */
export class UpdateDeviceSettingsRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  maintenance_mode?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  update_enabled?: boolean;

  @ApiPropertyOptional({ nullable: true, example: 'a1b2c3d' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Length(1, 64)
  version_lock?: string | null;

  @ApiPropertyOptional({ enum: DEVICE_SEGMENTS })
  @IsOptional()
  @IsIn(DEVICE_SEGMENTS)
  segment?: DeviceSegment;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  branch?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class UpdateDeviceSettingsMessage extends UpdateDeviceSettingsRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;
}

/** The SHA-256 (hex) of a presented device key: keys are random, so a fast hash is safe to look up by. */
export class AuthenticateDeviceRequest {
  @IsString()
  @Matches(/^[0-9a-f]{64}$/)
  key_hash: string;
}

export interface AuthenticatedDevice {
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

export interface DeviceStatusEvent {
  device_id: string;
  status: DeviceStatus;
  previous_status: DeviceStatus;
  last_seen: string | null;
}
