import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a submission the gateway forwards to the jobs service (the zip is the body). */
export const SUBMISSION_HEADERS = {
  /** base64url of the JSON object of the form's text fields. */
  fields: 'x-proctor-job-fields',
  submittedBy: 'x-proctor-submitted-by',
  signature: 'x-proctor-signature',
} as const;

export interface SubmissionParts {
  /** The zip, or its SHA-256 (hex) when the caller took it as the bytes went by: hashing a MiB again costs a millisecond. */
  body: Buffer | { sha256: string };
  fields: string;
  submittedBy: string;
}

function mac(secret: string, timestamp: number, parts: SubmissionParts): string {
  const bodyDigest = Buffer.isBuffer(parts.body) ? createHash('sha256').update(parts.body).digest('hex') : parts.body.sha256;
  return createHmac('sha256', secret).update(`${timestamp}\n${bodyDigest}\n${parts.fields}\n${parts.submittedBy}`).digest('hex');
}

/** `t=<unix seconds>,v1=<hex>`: binds the body, the fields and the submitter to the shared secret. */
export function signSubmission(secret: string, parts: SubmissionParts, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${mac(secret, timestamp, parts)}`;
}

/** True for a signature made with `secret` over these parts less than `toleranceSeconds` ago. */
export function verifySubmission(secret: string, header: string | undefined, parts: SubmissionParts, now: Date = new Date(), toleranceSeconds = 300): boolean {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(mac(secret, timestamp, parts));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
