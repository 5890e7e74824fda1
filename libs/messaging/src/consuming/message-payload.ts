import { validationDetails } from '@proctor/contracts';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export type PayloadReading<T> = { ok: true; payload: T } | { ok: false; reason: string };

/**
 * A consumer's own reading of a parsed body, given the message's AMQP `type`: say, a check of the
 * common, plainly valid payload that costs a microsecond, with validatePayload for everything else.
 */
export type PayloadCheck<T> = (plain: unknown, type: string | undefined) => PayloadReading<T>;

function parseJson(content: Buffer): { ok: true; plain: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, plain: JSON.parse(content.toString('utf8')) };
  } catch {
    return { ok: false, reason: 'invalid payload: not JSON' };
  }
}

/**
 * Converts and validates a parsed body the way the services' validation pipe does (unknown fields
 * refused). A failure says why, for the dead letter.
 */
export function validatePayload<T extends object>(plain: unknown, payloadClass: ClassConstructor<T>): PayloadReading<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return { ok: false, reason: 'invalid payload: not a JSON object' };
  const payload = plainToInstance(payloadClass, plain);
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) return { ok: false, reason: `invalid payload: ${JSON.stringify(validationDetails(errors))}` };
  return { ok: true, payload };
}

/** Reads a message body as JSON and, given a payload class, validates it (validatePayload). */
export function readPayload<T extends object>(content: Buffer, payloadClass?: ClassConstructor<T>): PayloadReading<T> {
  const parsed = parseJson(content);
  if (!parsed.ok) return parsed;
  if (!payloadClass) return { ok: true, payload: parsed.plain as T };
  return validatePayload(parsed.plain, payloadClass);
}

/** Reads a message body as JSON and hands it, with the message's type, to the consumer's own check. */
export function readCheckedPayload<T>(content: Buffer, type: string | undefined, check: PayloadCheck<T>): PayloadReading<T> {
  const parsed = parseJson(content);
  return parsed.ok ? check(parsed.plain, type) : parsed;
}
