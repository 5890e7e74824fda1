import { validationDetails } from '@proctor/contracts';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export type PayloadReading<T> = { ok: true; payload: T } | { ok: false; reason: string };

/**
 * Reads a message body as JSON and, given a payload class, converts and validates it the way the
 * services' validation pipe does (unknown fields refused). A failure says why, for the dead letter.
 */
export function readPayload<T extends object>(content: Buffer, payloadClass?: ClassConstructor<T>): PayloadReading<T> {
  let plain: unknown;
  try {
    plain = JSON.parse(content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid payload: not JSON' };
  }
  if (!payloadClass) return { ok: true, payload: plain as T };
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return { ok: false, reason: 'invalid payload: not a JSON object' };
  const payload = plainToInstance(payloadClass, plain);
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) return { ok: false, reason: `invalid payload: ${JSON.stringify(validationDetails(errors))}` };
  return { ok: true, payload };
}
