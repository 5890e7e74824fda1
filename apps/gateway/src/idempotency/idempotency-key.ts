import { CommonErrorCode, ProctorError } from '@proctor/contracts';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** A UUID, or any token of the same kind: 8 to 128 letters, digits, `-`, `_`, `.`, `:`. */
const ACCEPTABLE_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

const invalid = (problem: string) =>
  new ProctorError(CommonErrorCode.ValidationFailed, `Idempotency-Key ${problem}`, { fields: { 'Idempotency-Key': [`Idempotency-Key ${problem}`] } });

/**
 * The `Idempotency-Key` of a request: undefined when absent and not required; a 400 naming the
 * header when required and absent, or not an acceptable token.
 */
export function readIdempotencyKey(header: string | string[] | undefined, required: boolean): string | undefined {
  if (Array.isArray(header)) throw invalid('must be sent once');
  if (header === undefined || header === '') {
    if (required) throw invalid('is required on this route (a UUID, new for each operation, the same on its retries)');
    return undefined;
  }
  if (!ACCEPTABLE_KEY.test(header)) throw invalid('must be a UUID or a token of 8 to 128 letters, digits, "-", "_", "." or ":"');
  return header;
}
