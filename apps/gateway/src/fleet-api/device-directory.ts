import { DeviceKeyCredential } from './fleet-credential';
import { TtlLruCache } from './ttl-lru-cache';

/** What the gateway asks the fleet service about devices (by RPC in production). */
export interface DeviceLookups {
  /** The device a key (by its SHA-256 hex) belongs to; null when no device has that key. */
  deviceForKey(keyHash: string): Promise<string | null>;
  deviceExists(deviceId: string): Promise<boolean>;
}

export interface DeviceDirectoryOptions {
  maxEntries: number;
  /** How long a found key or device is trusted without asking again. */
  positiveTtlMs: number;
  /** How long an unknown key or device is refused without asking again. */
  negativeTtlMs: number;
  now?: () => number;
}

/**
 * The gateway's memory of device keys and devices, so that the heartbeat path asks the fleet
 * service at most once per key per minute rather than once per request. Bounded (LRU), with a
 * short memory for "no" so that a device registered a moment ago is found soon. Concurrent misses
 * for one key share one lookup. A failed lookup (fleet unreachable) is not remembered.
 *
 * Consequence, by design: a key replaced by a new registration keeps working here for up to the
 * positive lifetime.
 */
export class DeviceDirectory {
  private readonly keys: TtlLruCache<string, DeviceKeyCredential | null>;
  private readonly devices: TtlLruCache<string, boolean>;
  private readonly keyLookups = new Map<string, Promise<DeviceKeyCredential | null>>();
  private readonly deviceLookups = new Map<string, Promise<boolean>>();

  constructor(
    private readonly lookups: DeviceLookups,
    private readonly options: DeviceDirectoryOptions,
  ) {
    this.keys = new TtlLruCache(options.maxEntries, options.now);
    this.devices = new TtlLruCache(options.maxEntries, options.now);
  }

  /** What the cache alone says of a key hash: its device credential, null (unknown), or undefined (would need a lookup). */
  cachedKey(keyHash: string): DeviceKeyCredential | null | undefined {
    return this.keys.lookup(keyHash)?.value;
  }

  /** The device credential of a key hash, or null for a key no device has. */
  authenticate(keyHash: string): Promise<DeviceKeyCredential | null> {
    const cached = this.keys.lookup(keyHash);
    if (cached !== undefined) return Promise.resolve(cached.value);
    return this.shared(this.keyLookups, keyHash, async () => {
      const deviceId = await this.lookups.deviceForKey(keyHash);
      const credential: DeviceKeyCredential | null = deviceId === null ? null : { kind: 'device_key', deviceId };
      this.keys.set(keyHash, credential, credential ? this.options.positiveTtlMs : this.options.negativeTtlMs);
      if (deviceId !== null) this.devices.set(deviceId, true, this.options.positiveTtlMs);
      return credential;
    });
  }

  exists(deviceId: string): Promise<boolean> {
    const cached = this.devices.lookup(deviceId);
    if (cached !== undefined) return Promise.resolve(cached.value);
    return this.shared(this.deviceLookups, deviceId, async () => {
      const exists = await this.lookups.deviceExists(deviceId);
      this.devices.set(deviceId, exists, exists ? this.options.positiveTtlMs : this.options.negativeTtlMs);
      return exists;
    });
  }

  /** A registration that passed through this gateway: the device exists, and its new key (if any) is known. */
  rememberRegistration(deviceId: string, issuedKeyHash: string | undefined): void {
    this.devices.set(deviceId, true, this.options.positiveTtlMs);
    if (issuedKeyHash !== undefined) this.keys.set(issuedKeyHash, { kind: 'device_key', deviceId }, this.options.positiveTtlMs);
  }

  private shared<T>(inFlight: Map<string, Promise<T>>, key: string, lookup: () => Promise<T>): Promise<T> {
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = lookup().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }
}
