import { Injectable } from '@nestjs/common';
import { applyKeyset } from '@proctor/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { ExerciseStatus, TaskState } from '@proctor/contracts';
import { PortReservation } from './port-reservation.entity';

/** An active reservation with what decides whether it is still needed. */
export interface ReservationCandidate {
  id: string;
  task_state: TaskState;
  slot_end: Date | null;
  exercise_status: ExerciseStatus;
}

@Injectable()
export class PortReservationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Ports these agents hold now (reservations not released). */
  async activePorts(manager: EntityManager, agentIds: string[]): Promise<Map<string, Set<number>>> {
    const rows: { agent_id: string; port: number }[] = await manager.query(
      `SELECT agent_id, port FROM port_reservations WHERE agent_id = ANY($1) AND released_at IS NULL`,
      [agentIds],
    );
    const ports = new Map<string, Set<number>>();
    for (const row of rows) {
      const set = ports.get(row.agent_id) ?? new Set<number>();
      set.add(row.port);
      ports.set(row.agent_id, set);
    }
    return ports;
  }

  /** Throws Postgres' unique_violation on `port_reservations_active_key` when a port was taken meanwhile. */
  async insertMany(manager: EntityManager, reservations: { agent_id: string; port: number; task_id: string; exercise_id: string }[]): Promise<void> {
    if (reservations.length > 0) await manager.insert(PortReservation, reservations);
  }

  async releaseForTasks(manager: EntityManager, taskIds: string[]): Promise<number> {
    if (taskIds.length === 0) return 0;
    const result: [unknown[], number] = await manager.query(
      `UPDATE port_reservations SET released_at = clock_timestamp() WHERE task_id = ANY($1) AND released_at IS NULL`,
      [taskIds],
    );
    return result[1];
  }

  async releaseForExercise(manager: EntityManager, exerciseId: string): Promise<number> {
    const result: [unknown[], number] = await manager.query(
      `UPDATE port_reservations SET released_at = clock_timestamp() WHERE exercise_id = $1 AND released_at IS NULL`,
      [exerciseId],
    );
    return result[1];
  }

  async releaseByIds(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE port_reservations SET released_at = clock_timestamp() WHERE id = ANY($1) AND released_at IS NULL`,
      [ids],
    );
    return result[1];
  }

  /** Active reservations with their task's state and slot and their exercise's status, oldest first. */
  cleanupCandidates(limit: number): Promise<ReservationCandidate[]> {
    return this.dataSource.query(
      `SELECT r.id, t.state AS task_state, t.slot_end, e.status AS exercise_status
         FROM port_reservations r
         JOIN tasks t ON t.id = r.task_id
         JOIN exercises e ON e.id = t.exercise_id
        WHERE r.released_at IS NULL
        ORDER BY r.reserved_at
        LIMIT $1`,
      [limit],
    );
  }

  /** Active reservations, newest first, optionally of one agent; `size + 1` rows to tell if more follow. */
  listActivePage(filter: { agent_id?: string }, cursor: string | undefined, size: number): Promise<PortReservation[]> {
    const qb = this.dataSource.manager.createQueryBuilder(PortReservation, 'r').where('r.released_at IS NULL');
    if (filter.agent_id) qb.andWhere('r.agent_id = :agentId', { agentId: filter.agent_id });
    return applyKeyset(qb, { alias: 'r', timeColumn: 'reserved_at', idColumn: 'id', cursor, size }).getMany();
  }
}
