import { Injectable, PipeTransform } from '@nestjs/common';
import { createValidationPipe, HeartbeatRequest, REPORTABLE_DEVICE_STATUSES } from '@proctor/contracts';

/**
 * What a heartbeat route declares its body as: HeartbeatRequest's fields as a plain type, which
 * decorator metadata records as Object, so that the global ValidationPipe passes the body through
 * untouched (it validates class-typed parameters only) and HeartbeatBodyPipe alone decides.
 * Declared as HeartbeatRequest, the body would be validated twice.
 */
export type HeartbeatBody = Pick<HeartbeatRequest, keyof HeartbeatRequest>;

const STATUSES: ReadonlySet<unknown> = new Set(REPORTABLE_DEVICE_STATUSES);
// Printable ASCII: its length is what class-validator's @Length counts (no surrogate pairs, no variation selectors).
const PLAIN_COMMIT_HASH = /^[\x20-\x7e]{1,64}$/;

const inRange = (value: unknown, min: number, max: number): boolean => typeof value === 'number' && value >= min && value <= max;
const intInRange = (value: unknown, min: number, max: number): boolean => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/**
 * True only for a body that HeartbeatRequest's decorators accept as it is: a plain object with a
 * known status and nothing but its own fields, each of the right type and in range. Anything else,
 * valid or not (a null for an optional field, a commit hash outside printable ASCII), answers false
 * and goes the full way. It never says yes where class-validator would say no: NaN and the
 * infinities fail the range checks, unknown fields fail, a missing status fails.
 */
export function isPlainlyValidHeartbeat(body: unknown): body is HeartbeatRequest {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return false;
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    switch (key) {
      case 'status':
        if (!STATUSES.has(value)) return false;
        break;
      case 'cpu_percent':
      case 'memory_percent':
      case 'disk_percent':
        if (!inRange(value, 0, 100)) return false;
        break;
      case 'temperature':
        if (!inRange(value, -60, 150)) return false;
        break;
      case 'containers_running':
      case 'containers_failed':
        if (!intInRange(value, 0, 10000)) return false;
        break;
      case 'current_commit_hash':
        if (typeof value !== 'string' || !PLAIN_COMMIT_HASH.test(value)) return false;
        break;
      default:
        return false;
    }
  }
  return fields.status !== undefined;
}

/**
 * The body of a heartbeat, the hottest route of the gateway: the common, valid heartbeat is checked
 * by isPlainlyValidHeartbeat (about a microsecond) rather than by class-transformer and
 * class-validator (a tenth of the gateway's CPU per heartbeat under load); every other body goes
 * through the same ValidationPipe as any route, so a refusal reads exactly as it always did.
 */
@Injectable()
export class HeartbeatBodyPipe implements PipeTransform<unknown, HeartbeatRequest | Promise<HeartbeatRequest>> {
  private readonly validation = createValidationPipe();

  transform(body: unknown): HeartbeatRequest | Promise<HeartbeatRequest> {
    if (isPlainlyValidHeartbeat(body)) return Object.assign(new HeartbeatRequest(), body);
    return this.validation.transform(body, { type: 'body', metatype: HeartbeatRequest, data: undefined }) as Promise<HeartbeatRequest>;
  }
}
