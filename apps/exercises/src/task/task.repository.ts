import { Injectable } from '@nestjs/common';
import { TaskKind, TaskReason, TaskState, TestProtocol } from '@proctor/contracts';
import { applyKeyset } from '@proctor/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { DispatchHold, Task } from './task.entity';
import { TaskChange } from './task-state';

export interface NewTask {
  id: string;
  exercise_id: string;
  test_id: string | null;
  agent_id: string;
  kind: TaskKind;
  port: number | null;
  slot_start: Date;
  slot_end: Date;
}

/** What a command or a claim needs besides the task: its test's parameters. */
export interface TestParameters {
  duration_seconds: number;
  protocol: TestProtocol;
  parallel: number;
  bandwidth: string | null;
  reverse: boolean;
  server_agent_id: string;
}

/** A task whose slot has begun and that may be sent now; `agent_busy` when its agent still runs other work. */
export interface DispatchCandidate {
  task: Task;
  test: TestParameters | null;
  agentBusy: boolean;
}

/** What the timeout sweeper looks at: the task, its test's duration and, for a client, how its server fared. */
export interface TimeoutCandidate {
  task: Task;
  durationSeconds: number | null;
  serverStartedAt: Date | null;
}

export interface TaskFilter {
  exercise_id?: string;
  agent_id?: string;
  state?: TaskState;
  kind?: TaskKind;
}

const ACTIVE_STATES = `('pending', 'accepted', 'running')`;

/**
 * Which pending tasks may go out now: their slot has begun and not ended, and a client only once its
 * server is running (its `started` means that iperf3 listens).
 */
const DISPATCHABLE = `
  t.state = 'pending'
  AND t.slot_start <= clock_timestamp() AND t.slot_end > clock_timestamp()
  AND (t.kind <> 'iperf3_client' OR EXISTS (
    SELECT 1 FROM tasks s WHERE s.test_id = t.test_id AND s.kind = 'iperf3_server' AND s.state = 'running'))`;

/** Another test's iperf3 task that the agent has taken and not finished (a previous slot running over). */
const AGENT_BUSY = `EXISTS (
  SELECT 1 FROM tasks o
   WHERE o.agent_id = t.agent_id AND o.id <> t.id AND o.kind <> 'kill_all'
     AND o.state IN ('accepted', 'running') AND o.test_id IS DISTINCT FROM t.test_id)`;

const TEST_COLUMNS = `x.duration_seconds, x.protocol, x.parallel, x.bandwidth, x.reverse, x.server_agent_id`;

type TaskWithTestRow = Task & Partial<TestParameters> & { agent_busy?: boolean };

@Injectable()
export class TaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private toTask(row: object): Task {
    const task = new Task();
    for (const column of this.dataSource.getMetadata(Task).columns) {
      const name = column.databaseName;
      if (name in row) Object.assign(task, { [column.propertyName]: (row as Record<string, unknown>)[name] });
    }
    return task;
  }

  private toTest(row: TaskWithTestRow): TestParameters | null {
    if (row.duration_seconds === undefined || row.duration_seconds === null || !row.protocol || !row.server_agent_id) return null;
    return {
      duration_seconds: row.duration_seconds,
      protocol: row.protocol,
      parallel: row.parallel ?? 1,
      bandwidth: row.bandwidth ?? null,
      reverse: row.reverse ?? false,
      server_agent_id: row.server_agent_id,
    };
  }

  async insertMany(manager: EntityManager, tasks: NewTask[]): Promise<void> {
    if (tasks.length > 0) await manager.insert(Task, tasks);
  }

  findById(id: string): Promise<Task | null> {
    return this.dataSource.manager.findOneBy(Task, { id });
  }

  findByIds(ids: string[]): Promise<Task[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.manager.createQueryBuilder(Task, 't').where('t.id IN (:...ids)', { ids }).getMany();
  }

  /** An exercise's tasks as they will run: by slot, each server before its client, kill_all tasks last. */
  listForExercise(exerciseId: string, manager: EntityManager = this.dataSource.manager): Promise<Task[]> {
    return manager.find(Task, { where: { exercise_id: exerciseId }, order: { created_at: 'ASC', slot_start: 'ASC', kind: 'DESC', id: 'ASC' } });
  }

  /** One page, newest first, filtered; `size + 1` rows to tell if more follow. */
  listPage(filter: TaskFilter, cursor: string | undefined, size: number): Promise<Task[]> {
    const qb = this.dataSource.manager.createQueryBuilder(Task, 't');
    if (filter.exercise_id) qb.andWhere('t.exercise_id = :exerciseId', { exerciseId: filter.exercise_id });
    if (filter.agent_id) qb.andWhere('t.agent_id = :agentId', { agentId: filter.agent_id });
    if (filter.state) qb.andWhere('t.state = :state', { state: filter.state });
    if (filter.kind) qb.andWhere('t.kind = :kind', { kind: filter.kind });
    return applyKeyset(qb, { alias: 't', timeColumn: 'created_at', idColumn: 'id', cursor, size }).getMany();
  }

  /** The task, locked for a change, with its test's parameters (a result is read by its protocol). */
  async lockWithTest(manager: EntityManager, id: string): Promise<{ task: Task; test: TestParameters | null } | null> {
    const rows: TaskWithTestRow[] = await manager.query(
      `SELECT t.*, ${TEST_COLUMNS} FROM tasks t LEFT JOIN tests x ON x.id = t.test_id WHERE t.id = $1 FOR UPDATE OF t`,
      [id],
    );
    return rows[0] ? { task: this.toTask(rows[0]), test: this.toTest(rows[0]) } : null;
  }

  /** Records a transition decided by the state machine; `extra` sets what the caller knows besides. */
  async applyChange(
    manager: EntityManager,
    id: string,
    change: TaskChange,
    extra: { error?: string | null; cancelAttempt?: number | null; attempt?: number; dispatched?: boolean } = {},
  ): Promise<Task> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Record<string, unknown>[], number] = await manager.query(
      `UPDATE tasks SET
         state = $2,
         reason = $3,
         accepted_at = CASE WHEN $4 THEN clock_timestamp() ELSE accepted_at END,
         started_at = CASE WHEN $5 THEN clock_timestamp() ELSE started_at END,
         finished_at = CASE WHEN $6 THEN clock_timestamp() ELSE finished_at END,
         error = COALESCE($7, error),
         cancel_attempt = COALESCE($8, cancel_attempt),
         attempt = COALESCE($9, attempt),
         dispatched_at = CASE WHEN $10 THEN clock_timestamp() ELSE dispatched_at END,
         updated_at = clock_timestamp()
       WHERE id = $1 RETURNING *`,
      [
        id,
        change.state,
        change.reason,
        change.setAccepted,
        change.setStarted,
        change.setFinished,
        extra.error ?? null,
        extra.cancelAttempt ?? null,
        extra.attempt ?? null,
        extra.dispatched ?? false,
      ],
    );
    return this.toTask(rows[0]);
  }

  /** Pending tasks due now, locked so that no other replica sends them meanwhile; those locked elsewhere are skipped. */
  async lockDispatchable(manager: EntityManager, options: { redispatchSeconds: number; limit: number }): Promise<DispatchCandidate[]> {
    const rows: TaskWithTestRow[] = await manager.query(
      `SELECT t.*, ${TEST_COLUMNS}, ${AGENT_BUSY} AS agent_busy
         FROM tasks t LEFT JOIN tests x ON x.id = t.test_id
        WHERE ${DISPATCHABLE}
          AND (t.dispatched_at IS NULL OR t.dispatched_at <= clock_timestamp() - make_interval(secs => $1))
        ORDER BY t.held_reason IS NOT NULL, t.slot_start, t.created_at
        LIMIT $2
        FOR UPDATE OF t SKIP LOCKED`,
      [options.redispatchSeconds, options.limit],
    );
    return rows.map((row) => ({ task: this.toTask(row), test: this.toTest(row), agentBusy: row.agent_busy === true }));
  }

  /** The next task an agent may claim over HTTP (the same rules as the dispatcher's, and its agent not busy). */
  async lockNextClaimable(manager: EntityManager, agentId: string): Promise<{ task: Task; test: TestParameters | null } | null> {
    const rows: TaskWithTestRow[] = await manager.query(
      `SELECT t.*, ${TEST_COLUMNS}
         FROM tasks t LEFT JOIN tests x ON x.id = t.test_id
        WHERE t.agent_id = $1 AND ${DISPATCHABLE} AND (t.kind = 'kill_all' OR NOT ${AGENT_BUSY})
        ORDER BY t.slot_start, t.created_at
        LIMIT 1
        FOR UPDATE OF t SKIP LOCKED`,
      [agentId],
    );
    return rows[0] ? { task: this.toTask(rows[0]), test: this.toTest(rows[0]) } : null;
  }

  async markDispatched(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE tasks SET dispatched_at = clock_timestamp(), dispatch_count = dispatch_count + 1, held_reason = NULL, updated_at = clock_timestamp()
        WHERE id = ANY($1)`,
      [ids],
    );
  }

  async markHeld(manager: EntityManager, ids: string[], hold: DispatchHold): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(`UPDATE tasks SET held_reason = $2, updated_at = clock_timestamp() WHERE id = ANY($1) AND held_reason IS DISTINCT FROM $2`, [ids, hold]);
  }

  /** Cancel commands still to be sent, locked like the dispatchable tasks. */
  lockCancelCommands(manager: EntityManager, limit: number): Promise<{ id: string; agent_id: string; cancel_attempt: number }[]> {
    return manager.query(
      `SELECT id, agent_id, cancel_attempt FROM tasks WHERE cancel_attempt IS NOT NULL ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async clearCancelCommands(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(`UPDATE tasks SET cancel_attempt = NULL WHERE id = ANY($1)`, [ids]);
  }

  /** When the next pending slot begins, so that the dispatcher can wake right then. */
  async nextSlotStart(): Promise<Date | null> {
    const rows: { next: Date | null }[] = await this.dataSource.query(
      `SELECT min(slot_start) AS next FROM tasks WHERE state = 'pending' AND slot_start > clock_timestamp()`,
    );
    return rows[0]?.next ?? null;
  }

  /** Active tasks that may be overdue: past their slot, or running clients (timed from their start). */
  timeoutCandidateIds(limit: number): Promise<{ id: string }[]> {
    return this.dataSource.query(
      `SELECT t.id FROM tasks t
        WHERE t.state IN ${ACTIVE_STATES}
          AND (t.slot_end <= clock_timestamp() OR (t.state = 'running' AND t.kind = 'iperf3_client'))
        ORDER BY t.slot_end
        LIMIT $1`,
      [limit],
    );
  }

  /** One candidate locked for the sweeper's decision; null when it is locked elsewhere (a report is being applied). */
  async lockTimeoutCandidate(manager: EntityManager, id: string): Promise<TimeoutCandidate | null> {
    const rows: (Record<string, unknown> & { duration_seconds: number | null; server_started_at: Date | null })[] = await manager.query(
      `SELECT t.*, x.duration_seconds, s.started_at AS server_started_at
         FROM tasks t
         LEFT JOIN tests x ON x.id = t.test_id
         LEFT JOIN tasks s ON t.kind = 'iperf3_client' AND s.test_id = t.test_id AND s.kind = 'iperf3_server'
        WHERE t.id = $1
        FOR UPDATE OF t SKIP LOCKED`,
      [id],
    );
    const row = rows[0];
    return row ? { task: this.toTask(row), durationSeconds: row.duration_seconds, serverStartedAt: row.server_started_at } : null;
  }

  /**
   * An offline agent's work that is under way or due: taken, running, already sent, or past its slot
   * start. Tasks of later slots stay: the agent may be back by then.
   */
  async lockInterruptedByOffline(manager: EntityManager, agentId: string): Promise<Task[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM tasks
        WHERE agent_id = $1 AND state IN ${ACTIVE_STATES}
          AND (state <> 'pending' OR dispatched_at IS NOT NULL OR slot_start <= clock_timestamp())
        ORDER BY created_at
        FOR UPDATE`,
      [agentId],
    );
    return rows.map((row) => this.toTask(row));
  }

  async lockActiveForExercise(manager: EntityManager, exerciseId: string): Promise<Task[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM tasks WHERE exercise_id = $1 AND state IN ${ACTIVE_STATES} ORDER BY created_at FOR UPDATE`,
      [exerciseId],
    );
    return rows.map((row) => this.toTask(row));
  }

  /** The client of a test, locked, if it still waits for its server (not yet taken by its agent). */
  async lockWaitingClient(manager: EntityManager, testId: string): Promise<Task | null> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM tasks WHERE test_id = $1 AND kind = 'iperf3_client' AND state = 'pending' FOR UPDATE`,
      [testId],
    );
    return rows[0] ? this.toTask(rows[0]) : null;
  }

  /** Kind, state and agent of every task of an exercise (what the auto-ender decides on). */
  statesOfExercise(manager: EntityManager, exerciseId: string): Promise<{ kind: TaskKind; state: TaskState; agent_id: string; reason: TaskReason | null }[]> {
    return manager.query(`SELECT kind, state, agent_id, reason FROM tasks WHERE exercise_id = $1`, [exerciseId]);
  }

  async databaseNow(manager: EntityManager): Promise<Date> {
    const rows: { now: Date }[] = await manager.query(`SELECT clock_timestamp() AS now`);
    return rows[0].now;
  }
}
