import { Injectable } from '@nestjs/common';
import { ListReservationsRequest, Page, PortReservationView } from '@proctor/contracts';
import { pageSize, toPage } from '@proctor/persistence';
import { toPortReservationView } from './port-reservation.mapper';
import { PortReservationRepository } from './port-reservation.repository';

@Injectable()
export class PortReservationService {
  constructor(private readonly reservations: PortReservationRepository) {}

  /** The ports held now, newest first (`GET /v1/ports/reservations`). */
  async listActive(request: ListReservationsRequest): Promise<Page<PortReservationView>> {
    const size = pageSize(request.limit);
    const rows = await this.reservations.listActivePage({ agent_id: request.agent_id }, request.cursor, size);
    return toPage(rows, size, (r) => ({ at: r.reserved_at, id: r.id }), toPortReservationView);
  }
}
