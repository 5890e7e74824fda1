/**
 * The last `capacity` task attempts this daemon finished, oldest forgotten first: a `run` delivered
 * again after its task ended (a redelivery, a dispatcher re-send racing the ack) must not run twice.
 */
export class RecentTasks {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  add(taskId: string, attempt: number): void {
    const key = `${taskId}#${attempt}`;
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
  }

  has(taskId: string, attempt: number): boolean {
    return this.keys.has(`${taskId}#${attempt}`);
  }
}
