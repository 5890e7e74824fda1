/** What a batch needs of a heartbeat to decide what it changes. */
export interface BatchHeartbeat {
  heartbeat_id: string;
  device_id: string;
  received_at: string;
}

/** Each heartbeat once, the first copy kept: a batch may hold a redelivered copy of one already in it. */
export function distinctHeartbeats<T extends BatchHeartbeat>(heartbeats: T[]): T[] {
  const seen = new Set<string>();
  return heartbeats.filter((h) => !seen.has(h.heartbeat_id) && seen.add(h.heartbeat_id));
}

/**
 * Per device, the heartbeat received last: only it sets the device's last seen, status and commit
 * (older ones still go to the history). On a tie the later one in the batch wins.
 */
export function latestPerDevice<T extends BatchHeartbeat>(heartbeats: T[]): T[] {
  const latest = new Map<string, T>();
  for (const h of heartbeats) {
    const current = latest.get(h.device_id);
    if (!current || Date.parse(h.received_at) >= Date.parse(current.received_at)) latest.set(h.device_id, h);
  }
  return [...latest.values()];
}
