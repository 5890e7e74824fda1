import { Module } from '@nestjs/common';
import { PortReservationRepository } from './port-reservation.repository';
import { PortReservationService } from './port-reservation.service';
import { PortsMessageController } from './ports.message-controller';
import { ReservationCleanup } from './reservation-cleanup';
import { TaskSlotRepository } from './task-slot.repository';

/** The agents' time (slots) and ports (reservations), and the cleanup that frees ports left behind. */
@Module({
  controllers: [PortsMessageController],
  providers: [TaskSlotRepository, PortReservationRepository, PortReservationService, ReservationCleanup],
  exports: [TaskSlotRepository, PortReservationRepository],
})
export class SchedulingModule {}
