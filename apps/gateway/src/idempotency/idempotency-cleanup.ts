import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { IDEMPOTENCY_SETTINGS, IdempotencySettings } from './idempotency-settings';
import { IdempotencyStore } from './idempotency.store';

const BATCH = 1000;

/**
 * Deletes expired idempotency keys every `IDEMPOTENCY_CLEANUP_INTERVAL_MS`, in batches of 1000 (short
 * statements, no long lock), until none is left. Harmless with several gateways. Stops with the app.
 */
@Injectable()
export class IdempotencyCleanup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Idempotency');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_SETTINGS) private readonly settings: IdempotencySettings,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.cleanOnce()
        .catch((e: unknown) => {
          this.logger.warn({ msg: 'idempotency cleanup failed, next one later', error: (e as Error).message });
          return 0;
        })
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.settings.cleanupIntervalMs);
  }

  /** Deletes every expired key, a batch at a time; how many it deleted. */
  async cleanOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.store.deleteExpired(BATCH);
      total += deleted;
      if (deleted < BATCH || this.stopped) return total;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
