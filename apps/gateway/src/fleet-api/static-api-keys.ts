import { hash, timingSafeEqual } from 'node:crypto';
import { ADMIN_KEY_CREDENTIAL, FLEET_KEY_CREDENTIAL, FleetCredential } from './fleet-credential';

/** SHA-256 of a presented key: what device keys are looked up by, and what the env keys are compared as. */
export function apiKeyDigest(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

/**
 * The two keys from the environment, FLEET_ADMIN_API_KEY and FLEET_API_KEY. A presented key is
 * compared with both, always both, in constant time, as digests of equal length: neither its
 * length nor how much of it matched shows in the time an answer takes.
 */
export class StaticApiKeys {
  private readonly adminDigest: Buffer;
  private readonly fleetDigest: Buffer;

  constructor(keys: { adminKey: string; fleetKey: string }) {
    this.adminDigest = apiKeyDigest(keys.adminKey);
    this.fleetDigest = apiKeyDigest(keys.fleetKey);
  }

  /** The credential of an env key, or undefined for any other key (then perhaps a device's). */
  match(digest: Buffer): FleetCredential | undefined {
    const isAdmin = timingSafeEqual(digest, this.adminDigest);
    const isFleet = timingSafeEqual(digest, this.fleetDigest);
    if (isAdmin) return ADMIN_KEY_CREDENTIAL;
    if (isFleet) return FLEET_KEY_CREDENTIAL;
    return undefined;
  }
}
