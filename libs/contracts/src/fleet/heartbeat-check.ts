import { REPORTABLE_DEVICE_STATUSES } from './fleet.messages';
import type { HeartbeatMessage, HeartbeatRequest } from './heartbeat.dto';

const STATUSES: ReadonlySet<unknown> = new Set(REPORTABLE_DEVICE_STATUSES);
// Printable ASCII: its length is what class-validator's @Length counts (no surrogate pairs, no variation selectors).
const PLAIN_TEXT_1_TO_64 = /^[\x20-\x7e]{1,64}$/;
// What the gateway stamps (randomUUID, lower case), a subset of what @IsUUID() takes: version 1–8, RFC 4122 variant.
const PLAIN_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Date.prototype.toISOString's shape with each field in range, a subset of what @IsISO8601() takes.
const PLAIN_ISO_INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

const inRange = (value: unknown, min: number, max: number): boolean => typeof value === 'number' && value >= min && value <= max;
const intInRange = (value: unknown, min: number, max: number): boolean => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/** One field of HeartbeatRequest, plainly valid; false for a key that is not one of its fields. */
function isPlainRequestField(key: string, value: unknown): boolean {
  switch (key) {
    case 'status':
      return STATUSES.has(value);
    case 'cpu_percent':
    case 'memory_percent':
    case 'disk_percent':
      return inRange(value, 0, 100);
    case 'temperature':
      return inRange(value, -60, 150);
    case 'containers_running':
    case 'containers_failed':
      return intInRange(value, 0, 10000);
    case 'current_commit_hash':
      return typeof value === 'string' && PLAIN_TEXT_1_TO_64.test(value);
    default:
      return false;
  }
}

/** One of the three fields the gateway stamps onto a HeartbeatMessage, plainly valid. */
function isPlainStampField(key: string, value: unknown): boolean {
  switch (key) {
    case 'heartbeat_id':
      return typeof value === 'string' && PLAIN_UUID.test(value);
    case 'device_id':
      return typeof value === 'string' && PLAIN_TEXT_1_TO_64.test(value);
    case 'received_at':
      return typeof value === 'string' && PLAIN_ISO_INSTANT.test(value);
    default:
      return false;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * True only for a body that HeartbeatRequest's decorators accept as it is: a plain object with a
 * known status and nothing but its own fields, each of the right type and in range. Anything else,
 * valid or not (a null for an optional field, a commit hash outside printable ASCII), answers false
 * and goes the full way (class-validator). It never says yes where class-validator would say no:
 * NaN and the infinities fail the range checks, unknown fields fail, a missing status fails.
 */
export function isPlainlyValidHeartbeat(body: unknown): body is HeartbeatRequest {
  if (!isPlainObject(body)) return false;
  for (const key of Object.keys(body)) if (!isPlainRequestField(key, body[key])) return false;
  return body.status !== undefined;
}

/**
 * The same for a HeartbeatMessage (a heartbeat with the gateway's stamp), as the fleet service
 * receives it: the request's fields as above plus heartbeat_id, device_id and received_at, each
 * present and in the shape the gateway writes them.
 */
export function isPlainlyValidHeartbeatMessage(body: unknown): body is HeartbeatMessage {
  if (!isPlainObject(body)) return false;
  let stamps = 0;
  for (const key of Object.keys(body)) {
    if (isPlainStampField(key, body[key])) stamps++;
    else if (!isPlainRequestField(key, body[key])) return false;
  }
  return stamps === 3 && body.status !== undefined;
}
