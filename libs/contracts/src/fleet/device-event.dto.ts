import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageRequest } from '../common/page';
import { DEVICE_EVENT_TYPES, DeviceEventType, EVENT_SEVERITIES, EventSeverity } from './fleet.messages';

export class ListDeviceEventsRequest extends PageRequest {
  @IsString()
  @Length(1, 64)
  device_id: string;

  @ApiPropertyOptional({ enum: DEVICE_EVENT_TYPES })
  @IsOptional()
  @IsIn(DEVICE_EVENT_TYPES)
  event_type?: DeviceEventType;

  @ApiPropertyOptional({ enum: EVENT_SEVERITIES })
  @IsOptional()
  @IsIn(EVENT_SEVERITIES)
  severity?: EventSeverity;
}

/** Seed 004's DeviceEvent. */
export interface DeviceEventView {
  id: string;
  device_id: string;
  event_type: DeviceEventType;
  severity: EventSeverity;
  message: string;
  details: Record<string, unknown>;
  created_at: string;
}
