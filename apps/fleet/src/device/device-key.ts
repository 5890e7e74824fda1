import { generateSecret, secretDigest } from '@proctor/auth';

/**
 * A new device key and the hash that is stored; the key itself is shown once, in the registration's
 * answer. Device keys are 32 random bytes, so nobody can guess one or try a dictionary against its
 * hash: a plain SHA-256 is safe here where a password would need scrypt, and it makes
 * authentication one index hit on the hash (a salted hash could not be looked up without knowing
 * the device first). The gateway hashes a presented key with the same `secretDigest`.
 */
export function issueDeviceKey(): { key: string; keyHash: string } {
  const key = generateSecret('pdk_');
  return { key, keyHash: secretDigest(key) };
}
