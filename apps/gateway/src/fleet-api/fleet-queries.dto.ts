import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { ListDeviceEventsRequest, ListDevicesRequest } from '@proctor/contracts';

/**
 * `GET /devices` query. `maintenance` is read as the words `true` or `false`: the contract's
 * `@Type(() => Boolean)` would turn the string "false" into true.
 */
export class DeviceListQuery extends OmitType(ListDevicesRequest, ['maintenance'] as const) {
  @ApiPropertyOptional({ description: 'only devices in (true) or out of (false) maintenance mode' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  maintenance?: boolean;
}

/** `GET /devices/{device_id}/events` query: the device comes from the path. */
export class DeviceEventsQuery extends OmitType(ListDeviceEventsRequest, ['device_id'] as const) {}
