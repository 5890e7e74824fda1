import { HeartbeatBatchMessage, HeartbeatMessage, HeartbeatMessageType, isPlainlyValidHeartbeatMessage } from '@proctor/contracts';
import { PayloadReading, validatePayload } from '@proctor/messaging';

/** One heartbeat: the plainly valid one at once (about a microsecond), anything else through class-validator. */
function readHeartbeat(plain: unknown): PayloadReading<HeartbeatMessage> {
  return isPlainlyValidHeartbeatMessage(plain) ? { ok: true, payload: plain } : validatePayload(plain, HeartbeatMessage);
}

/** The list of a batch message, if its envelope is plainly right: an object with `heartbeats` only, a non-empty array. */
function plainBatchList(plain: unknown): unknown[] | undefined {
  if (typeof plain !== 'object' || plain === null || Object.getPrototypeOf(plain) !== Object.prototype) return undefined;
  const { heartbeats } = plain as { heartbeats?: unknown };
  return Array.isArray(heartbeats) && heartbeats.length > 0 && Object.keys(plain).length === 1 ? heartbeats : undefined;
}

/**
 * The heartbeats a message on `fleet.heartbeats` carries: one for a single heartbeat (what gateways
 * before batching sent, and what a batch of one is sent as; also a message with no type), several
 * for a HeartbeatBatchMessage. A batch is valid only as a whole: the gateway validated each of its
 * heartbeats, so an invalid one means a broken or forged publisher, and the whole message is parked
 * with the reason (naming the heartbeat) rather than part of it written.
 */
export function readHeartbeats(plain: unknown, type: string | undefined): PayloadReading<HeartbeatMessage[]> {
  if (type !== HeartbeatMessageType.Batch) {
    const one = readHeartbeat(plain);
    return one.ok ? { ok: true, payload: [one.payload] } : one;
  }
  const list = plainBatchList(plain);
  if (!list) {
    const batch = validatePayload(plain, HeartbeatBatchMessage);
    return batch.ok ? { ok: true, payload: batch.payload.heartbeats } : batch;
  }
  const heartbeats: HeartbeatMessage[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const one = readHeartbeat(list[i]);
    if (!one.ok) return { ok: false, reason: `heartbeat ${i} of the batch: ${one.reason}` };
    heartbeats[i] = one.payload;
  }
  return { ok: true, payload: heartbeats };
}
