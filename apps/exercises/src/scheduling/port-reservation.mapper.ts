import { PortReservationView } from '@proctor/contracts';
import { PortReservation } from './port-reservation.entity';

export function toPortReservationView(reservation: PortReservation): PortReservationView {
  return {
    id: reservation.id,
    agent_id: reservation.agent_id,
    port: reservation.port,
    task_id: reservation.task_id,
    reserved_at: reservation.reserved_at.toISOString(),
  };
}
