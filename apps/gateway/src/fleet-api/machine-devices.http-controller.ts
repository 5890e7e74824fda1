import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ServiceCaller } from '../http/service-caller';
import { DeviceRoutes } from './device-routes';
import { FleetApiController } from './fleet-route.decorators';
import { FleetGatewayService } from './fleet-gateway.service';

/** `/api/v1/devices/...` as seed 004 documents it for devices in the field: `X-API-Key` only. */
@ApiTags('devices (fleet API paths)')
@FleetApiController({ acceptsBearer: false })
@Controller('api/v1/devices')
export class MachineDevicesHttpController extends DeviceRoutes {
  constructor(fleet: FleetGatewayService, services: ServiceCaller) {
    super(fleet, services);
  }
}
