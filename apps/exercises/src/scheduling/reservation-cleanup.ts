import { Inject, Injectable, Logger, BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { ExerciseStatus, TaskState, TERMINAL_TASK_STATES } from '@proctor/contracts';
import { BackgroundLoop } from '@proctor/messaging';
import { EXERCISES_CONFIG, ExercisesConfig } from '../exercises-config';
import { PortReservationRepository } from './port-reservation.repository';

export type ReservationVerdict = 'keep' | 'release_task_ended' | 'release_exercise_ended' | 'release_stale';

/**
 * Whether a port reservation is still needed: not once its server task has ended or its exercise is
 * over (the release that goes with those changes may have been missed), nor once its slot ended so
 * long ago that whatever holds it is stale.
 */
export function reservationVerdict(
  reservation: { task_state: TaskState; slot_end: Date | null; exercise_status: ExerciseStatus },
  now: Date,
  staleAfterSeconds: number,
): ReservationVerdict {
  if (TERMINAL_TASK_STATES.includes(reservation.task_state)) return 'release_task_ended';
  if (reservation.exercise_status === 'ended') return 'release_exercise_ended';
  if (reservation.slot_end && reservation.slot_end.getTime() + staleAfterSeconds * 1000 <= now.getTime()) return 'release_stale';
  return 'keep';
}

const BATCH = 500;

/** The backstop that frees ports: ending a task or an exercise releases its ports already, in its transaction. */
@Injectable()
export class ReservationCleanup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReservationCleanup.name);
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly reservations: PortReservationRepository,
    @Inject(EXERCISES_CONFIG) private readonly config: ExercisesConfig,
  ) {
    this.loop = new BackgroundLoop('ReservationCleanup', () => this.sweep().then(() => undefined), config.reservationCleanupMs);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Releases what is no longer needed; a release is conditional, so two replicas sweeping at once release each once. */
  async sweep(): Promise<number> {
    const now = new Date();
    const candidates = await this.reservations.cleanupCandidates(BATCH);
    const release = candidates.filter((r) => reservationVerdict(r, now, this.config.reservationStaleSeconds) !== 'keep');
    const released = await this.reservations.releaseByIds(release.map((r) => r.id));
    if (released > 0) this.logger.log({ msg: 'port reservations released', count: released });
    return released;
  }
}
