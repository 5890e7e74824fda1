/**
 * How long a task may still run, in ms, on this machine's clock: its deadline is the server's time,
 * and `serverOffsetMs` (server clock minus local clock, learnt from heartbeats) moves it onto ours,
 * so that a lab machine whose clock is off does not kill its tasks early or let them overrun.
 * Undefined when the deadline is not a date.
 */
export function msUntilDeadline(deadline: string, nowMs: number, serverOffsetMs: number): number | undefined {
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - serverOffsetMs - nowMs);
}

/**
 * The server clock minus ours, from one request: the server read its clock somewhere between our
 * send and our receipt; the midpoint is the best guess (as NTP's). Undefined for an unreadable time.
 */
export function serverClockOffsetMs(sentAtMs: number, receivedAtMs: number, serverTime: string): number | undefined {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server)) return undefined;
  return Math.round(server - (sentAtMs + receivedAtMs) / 2);
}
