import { verifySignedPath } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';

/**
 * Refuses a request to a signed URL unless `expires` and `sig` sign `path` with the service's
 * secret and have not expired: 403 `forbidden`, the reason (missing, expired, invalid) in details.
 */
export function requireSignature(secret: string, path: string, query: { expires?: unknown; sig?: unknown }, now: Date = new Date()): void {
  // A repeated parameter arrives as an array: it signs nothing.
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const check = verifySignedPath(secret, path, { expires: text(query.expires), sig: text(query.sig) }, now);
  if (!check.ok) {
    const message = check.reason === 'expired' ? 'this link has expired' : 'this link is not signed for this resource';
    throw new ProctorError(CommonErrorCode.Forbidden, message, { reason: check.reason });
  }
}

/** An attempt number in a URL: a positive integer, or a URL nobody signed. */
export function attemptParam(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new ProctorError(CommonErrorCode.Forbidden, 'this link is not signed for this resource', { reason: 'invalid' });
  return Number(value);
}
