export interface BatchLimits {
  /** A batch is sealed as soon as it holds this many messages (or items, for messages that carry several: see add). */
  maxBatch: number;
  /** ... or when its first message has waited this long. */
  maxWaitMs: number;
}

/**
 * Groups deliveries into batches, in delivery order, and decides when each is sealed: full, or its
 * first message has waited `maxWaitMs`. A suspect (a message delivered again after a failure) is
 * sealed alone, so that one poison message neither holds the others back nor drags them to the
 * dead-letter queue with it. Pure: the consumer feeds it the clock.
 *
 * A message may weigh more than one (the items it carries): a batch then holds at most maxBatch
 * items, sealed before a message that would take it over; a message heavier than maxBatch on its
 * own (a message is never split) makes a batch by itself.
 */
export class BatchAssembler<T> {
  private open: T[] = [];
  private openWeight = 0;
  private openedAt = 0;
  private readonly sealed: T[][] = [];

  constructor(private readonly limits: BatchLimits) {
    if (!Number.isInteger(limits.maxBatch) || limits.maxBatch < 1) throw new Error(`maxBatch must be a whole number above 0, got ${limits.maxBatch}`);
    if (!(limits.maxWaitMs >= 0)) throw new Error(`maxWaitMs must not be negative, got ${limits.maxWaitMs}`);
  }

  add(entry: T, now: number, suspect = false, weight = 1): void {
    if (suspect) {
      this.sealOpen();
      this.sealed.push([entry]);
      return;
    }
    if (this.openWeight + weight > this.limits.maxBatch) this.sealOpen();
    if (this.open.length === 0) this.openedAt = now;
    this.open.push(entry);
    this.openWeight += weight;
    if (this.openWeight >= this.limits.maxBatch || this.limits.maxWaitMs === 0) this.sealOpen();
  }

  /** Seals the open batch if its first message has waited long enough. */
  sealIfDue(now: number): void {
    if (this.open.length > 0 && now - this.openedAt >= this.limits.maxWaitMs) this.sealOpen();
  }

  /** Seals whatever is open (on stop: flush what was received). */
  sealAll(): void {
    this.sealOpen();
  }

  /** How long until the open batch is due; undefined when nothing is open. */
  msUntilDue(now: number): number | undefined {
    if (this.open.length === 0) return undefined;
    return Math.max(0, this.openedAt + this.limits.maxWaitMs - now);
  }

  /** The oldest sealed batch, removed; undefined when none is sealed. */
  takeSealed(): T[] | undefined {
    return this.sealed.shift();
  }

  get hasSealed(): boolean {
    return this.sealed.length > 0;
  }

  /** Messages held, sealed or not. */
  get size(): number {
    return this.open.length + this.sealed.reduce((n, b) => n + b.length, 0);
  }

  /** Forgets everything held (their channel is gone: the broker redelivers them). */
  clear(): void {
    this.open = [];
    this.openWeight = 0;
    this.sealed.length = 0;
  }

  private sealOpen(): void {
    if (this.open.length === 0) return;
    this.sealed.push(this.open);
    this.open = [];
    this.openWeight = 0;
  }
}
