interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A bounded map whose entries expire: the least recently used entry goes first when it is full,
 * and each entry carries its own lifetime (a "yes" may be kept longer than a "no"). Built on Map's
 * insertion order, so a hit costs a delete and a set and allocates nothing.
 */
export class TtlLruCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (maxEntries < 1) throw new RangeError('a cache needs room for at least one entry');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live entry of a key as `{ value }` so that a cached `null` differs from a miss; undefined when absent or expired. */
  lookup(key: K): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: K, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
