import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommonErrorCode, ExerciseErrorCode, ExercisesEvent, ExerciseStartedEvent, ProctorError } from '@proctor/contracts';
import { OutboxWriter } from '@proctor/persistence';
import { randomUUID } from 'node:crypto';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AgentDirectoryRepository } from '../agent-directory/agent-directory.repository';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { allocatePorts } from '../scheduling/port-allocator';
import { PortReservationRepository } from '../scheduling/port-reservation.repository';
import { planSlots } from '../scheduling/slot-planner';
import { NewSlot, TaskSlotRepository } from '../scheduling/task-slot.repository';
import { TaskDispatcher } from '../task/task-dispatcher';
import { NewTask, TaskRepository } from '../task/task.repository';
import { ExerciseTestRepository } from './exercise-test.repository';
import { ExerciseRepository } from './exercise.repository';

/** Attempts of a start that lost a race for slots or ports to another start before it gives up. */
const START_ATTEMPTS = 10;

/**
 * What Postgres says when another start took the same agent time or port first: the exclusion
 * constraint on slots (23P01), the unique index on active reservations (23505), or a deadlock
 * between two starts inserting in opposite orders (40P01). Retrying reads what the winner committed.
 */
export function isSchedulingRace(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const { code, constraint } = error.driverError as { code?: string; constraint?: string };
  return code === '23P01' || code === '40P01' || (code === '23505' && constraint === 'port_reservations_active_key');
}

/**
 * Starts a draft exercise in one transaction: each test becomes a server task and a client task,
 * every task gets a slot on its agent (tests sharing an agent in consecutive waves), every server a
 * port from EXERCISES_PORT_RANGE; the exercise runs and `exercises.exercise.started` goes to the
 * outbox. The database guarantees what the planning only aims at: no two slots of an agent overlap,
 * no port is given twice; a start that loses such a race to another retries later in time.
 * Right after the commit the dispatcher is woken, so the first servers are on their way at once.
 */
@Injectable()
export class ExerciseStartService {
  private readonly logger = new Logger(ExerciseStartService.name);

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly tests: ExerciseTestRepository,
    private readonly tasks: TaskRepository,
    private readonly slots: TaskSlotRepository,
    private readonly reservations: PortReservationRepository,
    private readonly directory: AgentDirectoryRepository,
    private readonly outbox: OutboxWriter,
    private readonly dispatcher: TaskDispatcher,
    @Inject(EXERCISES_CONFIG) private readonly config: ExercisesConfig,
  ) {}

  async start(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.exercises.transaction((manager) => this.startIn(manager, id));
        break;
      } catch (e) {
        if (!isSchedulingRace(e)) throw e;
        if (attempt >= START_ATTEMPTS) {
          throw new ProctorError(CommonErrorCode.Conflict, 'other exercises kept taking the same agents; try again', { id, attempts: attempt });
        }
        this.logger.log({ msg: 'start lost a scheduling race, planning again', exercise_id: id, attempt, error: (e as Error).message });
      }
    }
    this.dispatcher.wake();
  }

  private async startIn(manager: EntityManager, id: string): Promise<void> {
    const exercise = await this.exercises.lock(manager, id);
    if (!exercise) throw new ProctorError(ExerciseErrorCode.NotFound, `no exercise with id ${id}`, { id });
    const tests = await this.tests.listForExercise(id, manager);
    if (exercise.status !== 'draft' || tests.length === 0) {
      const why = exercise.status !== 'draft' ? `it is ${exercise.status}` : 'it has no tests';
      throw new ProctorError(ExerciseErrorCode.StateConflict, `only a draft exercise with at least one test can start; ${why}`, {
        id,
        status: exercise.status,
        tests: tests.length,
      });
    }
    const agents = [...new Set(tests.flatMap((t) => [t.client_agent_id, t.server_agent_id]))];
    const known = await this.directory.knownAgentIds(manager, agents);
    const unknown = agents.filter((a) => !known.has(a));
    if (unknown.length > 0) throw new ProctorError(ExerciseErrorCode.UnknownAgent, 'some agents of its tests are unknown or deleted', { agent_ids: unknown });

    const now = await this.tasks.databaseNow(manager);
    const busy = await this.slots.busyIntervals(manager, agents, now);
    const plan = planSlots(
      tests.map((t) => ({ id: t.id, clientAgentId: t.client_agent_id, serverAgentId: t.server_agent_id, durationSeconds: t.duration_seconds })),
      busy,
      now.getTime(),
      this.config.slotGraceSeconds,
    );
    const servers = tests.map((t) => ({ taskId: randomUUID(), agentId: t.server_agent_id }));
    const serverAgents = [...new Set(servers.map((s) => s.agentId))];
    const ports = allocatePorts(servers, await this.reservations.activePorts(manager, serverAgents), this.config.portRange);
    if (!ports.ok) {
      const { first, last } = this.config.portRange;
      throw new ProctorError(ExerciseErrorCode.PortConflict, `agent ${ports.agentId} has ${ports.free} free ports in ${first}-${last}, its tests need ${ports.wanted}`, {
        agent_id: ports.agentId,
        free: ports.free,
        wanted: ports.wanted,
        range: `${first}-${last}`,
      });
    }

    const newTasks: NewTask[] = [];
    const newSlots: NewSlot[] = [];
    tests.forEach((test, i) => {
      const { slot } = plan[i];
      const serverId = servers[i].taskId;
      const clientId = randomUUID();
      const port = ports.ports.get(serverId) ?? null;
      const common = { exercise_id: id, test_id: test.id, port, slot_start: new Date(slot.start), slot_end: new Date(slot.end) };
      newTasks.push({ ...common, id: serverId, agent_id: test.server_agent_id, kind: 'iperf3_server' });
      newTasks.push({ ...common, id: clientId, agent_id: test.client_agent_id, kind: 'iperf3_client' });
      newSlots.push({ task_id: serverId, agent_id: test.server_agent_id, slot }, { task_id: clientId, agent_id: test.client_agent_id, slot });
    });
    await this.tasks.insertMany(manager, newTasks);
    await this.reservations.insertMany(
      manager,
      servers.map((s) => ({ agent_id: s.agentId, port: ports.ports.get(s.taskId) ?? 0, task_id: s.taskId, exercise_id: id })),
    );
    await this.slots.insertMany(manager, newSlots);
    await this.tests.recordPlan(
      manager,
      plan.map((p) => ({ id: p.testId, wave: p.wave, planned_start: new Date(p.slot.start), planned_end: new Date(p.slot.end) })),
    );
    const running = await this.exercises.markRunning(manager, id, now);
    const plannedEnd = new Date(Math.max(...plan.map((p) => p.slot.end)));
    const event: ExerciseStartedEvent = {
      exercise_id: id,
      name: running.name,
      started_at: now.toISOString(),
      test_count: tests.length,
      planned_end: plannedEnd.toISOString(),
    };
    await this.outbox.add(manager, ExercisesEvent.Started, event);
    this.logger.log({ msg: 'exercise started', exercise_id: id, tests: tests.length, waves: Math.max(...plan.map((p) => p.wave)) + 1, planned_end: event.planned_end });
  }
}
