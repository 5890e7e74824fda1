import { Logger } from '@nestjs/common';

/**
 * Runs `work` every `intervalMs`, counted from the end of the previous run, so that a slow run never
 * overlaps the next. A failed run is logged and the next one comes as usual. stop() cancels the
 * next run and waits for the one under way: nothing touches the database after shutdown.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
  ) {
    this.logger = new Logger(name);
  }

  start(firstDelayMs = this.intervalMs): void {
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule(this.intervalMs);
      });
    }, delayMs);
  }

  private async runOnce(): Promise<void> {
    try {
      await this.work();
    } catch (e) {
      this.logger.error({ msg: `${this.name} failed, will run again`, error: (e as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
