import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Interval } from './slot-planner';

export interface NewSlot {
  task_id: string;
  agent_id: string;
  slot: Interval;
}

/** The agents' time: slots as `tstzrange '[)'`, guarded by the `task_slots_no_overlap` exclusion constraint. */
@Injectable()
export class TaskSlotRepository {
  /** Slots of these agents that have not ended by `from`. */
  async busyIntervals(manager: EntityManager, agentIds: string[], from: Date): Promise<Map<string, Interval[]>> {
    const rows: { agent_id: string; start: Date; end: Date }[] = await manager.query(
      `SELECT agent_id, lower(slot) AS start, upper(slot) AS end FROM task_slots
        WHERE agent_id = ANY($1) AND NOT isempty(slot) AND upper(slot) > $2
        ORDER BY lower(slot)`,
      [agentIds, from],
    );
    const busy = new Map<string, Interval[]>();
    for (const row of rows) {
      const list = busy.get(row.agent_id) ?? [];
      list.push({ start: row.start.getTime(), end: row.end.getTime() });
      busy.set(row.agent_id, list);
    }
    return busy;
  }

  /**
   * Inserts slots in agent order (two starts racing for the same agents then wait on each other
   * rather than deadlock). Throws Postgres' exclusion_violation (23P01) when one overlaps a slot
   * committed meanwhile.
   */
  async insertMany(manager: EntityManager, slots: NewSlot[]): Promise<void> {
    const ordered = [...slots].sort((a, b) => a.agent_id.localeCompare(b.agent_id) || a.slot.start - b.slot.start);
    for (const slot of ordered) {
      await manager.query(`INSERT INTO task_slots (task_id, agent_id, slot) VALUES ($1, $2, tstzrange($3, $4, '[)'))`, [
        slot.task_id,
        slot.agent_id,
        new Date(slot.slot.start),
        new Date(slot.slot.end),
      ]);
    }
  }

  /** Gives back what is left of the slots of tasks that have ended: their agents are free from now on. */
  async releaseRest(manager: EntityManager, taskIds: string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await manager.query(
      `UPDATE task_slots SET slot = tstzrange(lower(slot), GREATEST(lower(slot), clock_timestamp()), '[)')
        WHERE task_id = ANY($1) AND upper(slot) > clock_timestamp()`,
      [taskIds],
    );
  }
}
