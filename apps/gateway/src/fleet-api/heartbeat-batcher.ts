/** How a batch is bounded: sent as soon as it holds maxCount items, or maxWaitMs after its first one. */
export interface BatchWindow {
  maxCount: number;
  /** 0: at the end of the event loop's current turn, so that the requests read together go together and none waits for a timer. */
  maxWaitMs: number;
}

interface Waiter<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The window is usable: at least one item a batch, a wait that is a whole number of ms, neither absurd. */
export function checkBatchWindow(window: BatchWindow): BatchWindow {
  if (!Number.isInteger(window.maxCount) || window.maxCount < 1) throw new Error(`maxCount must be a whole number above 0, got ${window.maxCount}`);
  if (!Number.isInteger(window.maxWaitMs) || window.maxWaitMs < 0) throw new Error(`maxWaitMs must be a whole number of ms, 0 or more, got ${window.maxWaitMs}`);
  return window;
}

/**
 * Gathers items into batches bounded by count and time and sends each batch once. Every add()
 * settles exactly once, with the outcome of its own batch's send: resolved when the send resolves,
 * rejected with the send's error when it fails (a send that throws fails the same way). Batches
 * are independent: one being sent does not hold the next back.
 */
export class HeartbeatBatcher<T> {
  private open: Waiter<T>[] = [];
  private cancelTimer?: () => void;

  constructor(
    private readonly window: BatchWindow,
    private readonly send: (items: T[]) => Promise<void>,
  ) {
    checkBatchWindow(window);
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.open.push({ item, resolve, reject });
      if (this.open.length >= this.window.maxCount) this.sendOpen();
      else if (this.open.length === 1) this.armTimer();
    });
  }

  private armTimer(): void {
    if (this.window.maxWaitMs === 0) {
      const immediate = setImmediate(() => this.sendOpen());
      this.cancelTimer = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.sendOpen(), this.window.maxWaitMs);
      this.cancelTimer = () => clearTimeout(timer);
    }
  }

  private sendOpen(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const batch = this.open;
    if (batch.length === 0) return;
    this.open = [];
    let sent: Promise<void>;
    try {
      sent = this.send(batch.map((w) => w.item));
    } catch (e) {
      sent = Promise.reject(e);
    }
    sent.then(
      () => batch.forEach((w) => w.resolve()),
      (error: unknown) => batch.forEach((w) => w.reject(error)),
    );
  }
}
