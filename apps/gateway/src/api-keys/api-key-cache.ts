import { TtlLruCache } from '../fleet-api/ttl-lru-cache';

/**
 * The keys this gateway has recently found in Postgres, by digest, so that a CI client's requests
 * do not each cost a lookup. The rule: a revoked key stops working at once on the gateway that
 * revoked it, and within `ttlMs` on the others. Only hits are kept (an unknown key is looked up
 * every time, so a key created elsewhere works at once), and a lookup that began before a
 * revocation is not cached, so a row read just before the delete cannot outlive it here.
 */
export class ApiKeyCache {
  private readonly names: TtlLruCache<string, string>;
  private revocations = 0;

  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
    now: () => number = Date.now,
  ) {
    this.names = new TtlLruCache(maxEntries, now);
  }

  /** The client name of a cached key digest, or undefined: then ask Postgres. */
  nameOf(digest: string): string | undefined {
    return this.names.lookup(digest)?.value;
  }

  /** A token to pass back to `remember`, taken before the lookup it guards. */
  lookupStarted(): number {
    return this.revocations;
  }

  remember(digest: string, name: string, startedAt: number): void {
    if (startedAt !== this.revocations || this.ttlMs <= 0) return;
    this.names.set(digest, name, this.ttlMs);
  }

  /** A key was deleted: forget it, and refuse to cache lookups that may have read it before. */
  revoked(digest: string): void {
    this.revocations += 1;
    this.names.delete(digest);
  }
}
