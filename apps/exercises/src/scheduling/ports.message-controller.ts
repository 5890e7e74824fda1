import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ListReservationsRequest, PortsRpc } from '@proctor/contracts';
import { PortReservationService } from './port-reservation.service';

@Controller()
export class PortsMessageController {
  constructor(private readonly reservations: PortReservationService) {}

  @MessagePattern(PortsRpc.ListReservations)
  list(@Payload() request: ListReservationsRequest) {
    return this.reservations.listActive(request);
  }
}
