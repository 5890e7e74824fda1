import { TtlLruCache } from './ttl-lru-cache';

const WINDOW_MS = 60_000;

/**
 * Counts unknown API keys per caller address in a fixed one-minute window. Past the limit, a key
 * from that address that the gateway does not already know is refused without asking the fleet
 * service: guessing keys costs the guesser a 429, not the fleet service an RPC per guess. Devices
 * with valid keys never count, and keys already cached are still answered.
 */
export class UnknownKeyLimiter {
  private readonly windows: TtlLruCache<string, { failures: number }>;

  constructor(
    private readonly limitPerMinute: number,
    maxAddresses: number,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new TtlLruCache(maxAddresses, now);
  }

  /** Seconds until the address may have unknown keys looked up again; 0 when it may now. */
  blockedForSeconds(address: string): number {
    const window = this.windows.lookup(address);
    if (window === undefined || window.value.failures < this.limitPerMinute) return 0;
    return Math.max(1, Math.ceil((window.expiresAt - this.now()) / 1000));
  }

  recordUnknownKey(address: string): void {
    const window = this.windows.lookup(address);
    if (window === undefined) this.windows.set(address, { failures: 1 }, WINDOW_MS);
    else window.value.failures++;
  }
}
