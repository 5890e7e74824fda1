import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TaskReason } from '@proctor/contracts';
import { BackgroundLoop } from '@proctor/messaging';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { TaskEndedSignal } from './task-ended.signal';
import { TaskTransitionService } from './task-transition.service';
import { TaskRepository, TimeoutCandidate } from './task.repository';
import { TaskEvent } from './task-state';

export type TimeoutVerdict = { action: 'wait' } | { action: 'end'; event: TaskEvent; error: string };

const fail = (reason: TaskReason, error: string): TimeoutVerdict => ({ action: 'end', event: { type: 'fail', reason }, error });

/**
 * What the sweeper does with an active task at `now`:
 * - a running client is timed out once it has run its duration plus the grace;
 * - a running server once its slot and a grace are over (its client is long done or gone);
 * - a task that never started by the end of its slot fails, with the reason that explains it:
 *   a client whose server never started: server_not_listening; a task held back because its agent
 *   still ran other work: slot_conflict; one its agent never took (not sent, not accepted): agent_offline;
 *   one its agent took and then never started: agent_lost_task.
 */
export function timeoutVerdict(candidate: TimeoutCandidate, now: Date, graceSeconds: number): TimeoutVerdict {
  const { task } = candidate;
  const at = now.getTime();
  const grace = graceSeconds * 1000;
  const slotOver = task.slot_end !== null && task.slot_end.getTime() <= at;

  if (task.state === 'running') {
    if (task.kind === 'iperf3_client' && task.started_at && candidate.durationSeconds !== null) {
      const limit = task.started_at.getTime() + candidate.durationSeconds * 1000 + grace;
      return limit <= at ? { action: 'end', event: { type: 'time_out' }, error: `ran past its ${candidate.durationSeconds} s and ${graceSeconds} s of grace` } : { action: 'wait' };
    }
    const overAt = (task.slot_end?.getTime() ?? Infinity) + grace;
    return overAt <= at ? { action: 'end', event: { type: 'time_out' }, error: 'still running after its slot and grace' } : { action: 'wait' };
  }
  if (!slotOver || (task.state !== 'pending' && task.state !== 'accepted')) return { action: 'wait' };
  if (task.kind === 'iperf3_client' && candidate.serverStartedAt === null) return fail('server_not_listening', 'its server never started listening within the slot');
  if (task.state === 'accepted') return fail('agent_lost_task', 'its agent took the task and never started it within the slot');
  if (task.held_reason === 'agent_busy') return fail('slot_conflict', 'its agent was still busy with other work for the whole slot');
  return fail('agent_offline', task.dispatched_at ? 'its agent never accepted the task within the slot' : 'its agent had no queue to send the task to within the slot');
}

const BATCH = 200;

/** Ends overdue tasks. Each is locked and decided afresh (SKIP LOCKED), so two replicas never end one twice. */
@Injectable()
export class TimeoutSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TimeoutSweeper.name);
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly transitions: TaskTransitionService,
    private readonly ended: TaskEndedSignal,
    @Inject(EXERCISES_CONFIG) private readonly config: ExercisesConfig,
  ) {
    this.loop = new BackgroundLoop('TimeoutSweeper', () => this.sweep().then(() => undefined), config.sweepIntervalMs);
  }

  onApplicationBootstrap(): void {
    // Not at once: after a restart, the reports that queued up meanwhile are applied first.
    this.loop.start(this.config.sweepIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Returns how many tasks it ended. */
  async sweep(): Promise<number> {
    let count = 0;
    for (const { id } of await this.tasks.timeoutCandidateIds(BATCH)) {
      const endedExercises = await this.tasks.transaction(async (manager) => {
        const candidate = await this.tasks.lockTimeoutCandidate(manager, id);
        if (!candidate) return [];
        const verdict = timeoutVerdict(candidate, await this.tasks.databaseNow(manager), this.config.slotGraceSeconds);
        if (verdict.action === 'wait') return [];
        const outcome = await this.transitions.apply(manager, candidate.task, verdict.event, { error: verdict.error });
        this.logger.log({ msg: 'overdue task ended', task_id: id, kind: candidate.task.kind, state: outcome.task.state, reason: outcome.task.reason });
        count += outcome.ended.length;
        return outcome.ended.map((t) => t.exercise_id);
      });
      this.ended.emit(endedExercises);
    }
    return count;
  }
}
