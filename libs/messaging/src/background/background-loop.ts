import { Logger } from '@nestjs/common';

/**
 * Runs one piece of background work now and then: every `intervalMs`, sooner when woken or when
 * asked for a given time, never twice at once (a wake during a run runs it again right after).
 * Stopping clears the timer and waits for the run under way. Safe beside other replicas: the work
 * itself must claim its rows (FOR UPDATE SKIP LOCKED, conditional updates).
 */
export class BackgroundLoop {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<void>,
    private readonly intervalMs: number,
  ) {
    this.logger = new Logger(name);
  }

  /** Starts the loop: the first run now, or after `firstRunInMs` (wakes before then run it sooner). */
  start(firstRunInMs = 0): void {
    this.stopped = false;
    if (firstRunInMs > 0) this.runAt(Date.now() + firstRunInMs);
    else this.wake();
  }

  /** Runs as soon as possible. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.runAt(Date.now() + this.intervalMs);
      }
    });
  }

  /** Runs at `at` (epoch ms) unless a run is due sooner anyway. */
  runAt(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.wake();
    }, Math.max(0, at - Date.now()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.running;
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private async runOnce(): Promise<void> {
    try {
      await this.work();
    } catch (e) {
      // The next run tries again; a database or broker outage must not stop the loop.
      this.logger.warn({ msg: `${this.name} run failed`, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
