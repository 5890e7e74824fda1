import { createHash, timingSafeEqual } from 'node:crypto';

const HEX_DIGEST = /^[0-9a-f]{64}$/;

/**
 * The SHA-256 (lowercase hex) of a random credential (agent keys): what is stored and looked up.
 * A fast hash is safe for 32 random bytes; both the gateway and the owning service compute it here,
 * so that they always agree (UTF-8 of the key exactly as presented, nothing trimmed).
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether two hex digests are equal, compared in constant time; anything not a digest never matches. */
export function digestsMatch(presented: string, stored: string): boolean {
  if (!HEX_DIGEST.test(presented) || !HEX_DIGEST.test(stored)) return false;
  return timingSafeEqual(Buffer.from(presented, 'hex'), Buffer.from(stored, 'hex'));
}
