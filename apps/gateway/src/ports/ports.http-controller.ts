import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListReservationsRequest, Page, PortReservationView, PortsRpc } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';

@ApiTags('ports')
@ApiBearerAuth()
@Controller('v1/ports')
export class PortsHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Get('reservations')
  @ApiOperation({ summary: 'Active port reservations, optionally of one agent' })
  reservations(@Query() query: ListReservationsRequest) {
    return this.services.call<Page<PortReservationView>>(PortsRpc.ListReservations, query);
  }
}
