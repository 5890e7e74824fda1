/**
 * Exponential backoff with full jitter: attempt 0 waits up to `baseMs`, each further attempt up to
 * twice as long, never more than `maxMs`. Jitter keeps a fleet of reconnecting clients from
 * hammering a broker that has just come back, all at the same instant.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
