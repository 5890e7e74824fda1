import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUrl, Length, Matches } from 'class-validator';
import { PageRequest } from '../common/page';
import { HOST_STATUSES, HostStatus } from './hosts.messages';

export class RegisterHostRequest {
  @ApiProperty({ example: 'sunri-pi2' })
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'host_name may hold only letters, digits, ".", "_" and "-"' })
  host_name: string;

  @ApiProperty({ example: 'http://sunri-pi2:6109' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  host_url: string;

  @ApiPropertyOptional({ example: ['mobile', 'desktop', 'av', 'power'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  capabilities?: string[];
}

export class ListHostsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: HOST_STATUSES })
  @IsOptional()
  @IsIn(HOST_STATUSES)
  status?: HostStatus;
}

/** The seed's host registration fields, plus an id and timestamps. */
export interface HostView {
  id: string;
  host_name: string;
  host_url: string;
  capabilities: string[];
  status: HostStatus;
  last_ping: string | null;
  created_at: string;
}

export interface HostRegisteredEvent {
  host_id: string;
  host_name: string;
}
