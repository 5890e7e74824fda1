import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  hits: number;
  endsAt: number;
  blockedUntil: number;
}

export interface ThrottleRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * A fixed-window counter per client, O(1) a request. The throttler's own in-memory storage keeps
 * every hit of the window and scans them on each request, which costs more as traffic grows: on the
 * hottest routes of the gateway that is the wrong shape. Expired windows are swept once a window.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    sweepEveryMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottleRecord> {
    return this.hit(key, ttl, limit, blockDuration);
  }

  /** `increment` without the promise, for the throttler guard's synchronous path. */
  hit(key: string, ttl: number, limit: number, blockDuration: number): ThrottleRecord {
    return countHit(this.windows, key, ttl, limit, blockDuration, this.now());
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(key);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}

/** Counts one hit of `key` in its current window; past `limit` the key is blocked for `blockDuration`. */
export function countHit(windows: Map<string, Window>, key: string, ttl: number, limit: number, blockDuration: number, now: number): ThrottleRecord {
  let window = windows.get(key);
  if (!window || (window.endsAt <= now && window.blockedUntil <= now)) {
    window = { hits: 0, endsAt: now + ttl, blockedUntil: 0 };
    windows.set(key, window);
  }
  window.hits++;
  if (window.blockedUntil <= now && window.hits > limit) window.blockedUntil = now + blockDuration;
  const blocked = window.blockedUntil > now;
  return {
    totalHits: window.hits,
    timeToExpire: Math.max(0, Math.ceil((window.endsAt - now) / 1000)),
    isBlocked: blocked,
    timeToBlockExpire: blocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0,
  };
}
