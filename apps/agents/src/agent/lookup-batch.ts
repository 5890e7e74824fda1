/**
 * Lookups by key asked for during one event-loop turn, answered by one query for all of them: under
 * load, many RPCs each reading one row cost Postgres one statement and the service one round trip
 * instead of one each. Every caller gets the value of its own key, read after it asked; a failed
 * query fails every caller of that batch with its error.
 */
export class LookupBatch<K, V> {
  private waiting = new Map<K, { resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[]>();

  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys = 100,
    private readonly schedule: (run: () => void) => void = (run) => setImmediate(run),
  ) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const first = this.waiting.size === 0;
      const callers = this.waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (this.waiting.size >= this.maxKeys) void this.run();
      else if (first) this.schedule(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    const batch = this.waiting;
    if (batch.size === 0) return;
    this.waiting = new Map();
    try {
      const found = await this.fetch([...batch.keys()]);
      for (const [key, callers] of batch) for (const caller of callers) caller.resolve(found.get(key));
    } catch (e) {
      for (const callers of batch.values()) for (const caller of callers) caller.reject(e);
    }
  }
}
