import type { BatchRejection } from '@proctor/messaging';

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

/** A heartbeat and the message that carried it. */
export interface CarriedHeartbeat<T> {
  heartbeat: T;
  messageId: string;
  /** The message carried nothing else. */
  alone: boolean;
}

/**
 * Every heartbeat of a batch of messages (each carrying one or several), its id in lower case:
 * Postgres answers UUIDs so, and ids are compared in that form.
 */
export function heartbeatsOf<T extends BatchHeartbeat>(messages: { payload: T[]; messageId: string }[]): CarriedHeartbeat<T>[] {
  const carried: CarriedHeartbeat<T>[] = [];
  for (const { payload, messageId } of messages) {
    for (const h of payload) {
      const id = h.heartbeat_id.toLowerCase();
      carried.push({ heartbeat: id === h.heartbeat_id ? h : { ...h, heartbeat_id: id }, messageId, alone: payload.length === 1 });
    }
  }
  return carried;
}

/**
 * What is parked of the heartbeats whose device is unknown (deleted, or never registered): a
 * message carrying one is parked whole, as before batching; one heartbeat of a batch message is
 * parked alone, as a single-heartbeat message, so that the others of its batch are still written and
 * none of them vanishes (each can be inspected, and replayed once its device exists).
 */
export function rejectUnknown<T extends BatchHeartbeat>(carried: CarriedHeartbeat<T>[], unknownIds: ReadonlySet<string>): BatchRejection[] {
  return carried
    .filter(({ heartbeat }) => unknownIds.has(heartbeat.heartbeat_id))
    .map(({ heartbeat, messageId, alone }) => ({
      messageId,
      reason: `unknown device ${heartbeat.device_id}`,
      part: alone ? undefined : { messageId: heartbeat.heartbeat_id, content: Buffer.from(JSON.stringify(heartbeat)) },
    }));
}
