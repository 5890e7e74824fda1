import { DeviceDirectory, DeviceLookups } from './device-directory';

class CountingLookups implements DeviceLookups {
  keyCalls = 0;
  deviceCalls = 0;
  keys = new Map<string, string>();
  devices = new Set<string>();
  failWith?: Error;

  async deviceForKey(keyHash: string): Promise<string | null> {
    this.keyCalls++;
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    return this.keys.get(keyHash) ?? null;
  }

  async deviceExists(deviceId: string): Promise<boolean> {
    this.deviceCalls++;
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    return this.devices.has(deviceId);
  }
}

describe('DeviceDirectory', () => {
  let now: number;
  let lookups: CountingLookups;
  let directory: DeviceDirectory;

  beforeEach(() => {
    now = 0;
    lookups = new CountingLookups();
    lookups.keys.set('hash-a', 'pi-a');
    lookups.devices.add('pi-a');
    directory = new DeviceDirectory(lookups, { maxEntries: 100, positiveTtlMs: 60_000, negativeTtlMs: 5_000, now: () => now });
  });

  it('asks once for a known key within a minute, then again', async () => {
    for (let i = 0; i < 5; i++) expect(await directory.authenticate('hash-a')).toEqual({ kind: 'device_key', deviceId: 'pi-a' });
    expect(lookups.keyCalls).toBe(1);
    now += 60_000;
    await directory.authenticate('hash-a');
    expect(lookups.keyCalls).toBe(2);
  });

  it('tells what its cache alone knows of a key, without asking', async () => {
    expect(directory.cachedKey('hash-a')).toBeUndefined();
    await directory.authenticate('hash-a');
    await directory.authenticate('hash-x');
    expect(directory.cachedKey('hash-a')).toEqual({ kind: 'device_key', deviceId: 'pi-a' });
    expect(directory.cachedKey('hash-x')).toBeNull();
    expect(lookups.keyCalls).toBe(2);
  });

  it('remembers an unknown key for the short lifetime only', async () => {
    expect(await directory.authenticate('hash-x')).toBeNull();
    expect(await directory.authenticate('hash-x')).toBeNull();
    expect(lookups.keyCalls).toBe(1);
    lookups.keys.set('hash-x', 'pi-x');
    now += 5_000;
    expect(await directory.authenticate('hash-x')).toEqual({ kind: 'device_key', deviceId: 'pi-x' });
  });

  it('shares one lookup between concurrent misses of the same key', async () => {
    const answers = await Promise.all([directory.authenticate('hash-a'), directory.authenticate('hash-a'), directory.authenticate('hash-a')]);
    expect(answers.every((a) => a?.deviceId === 'pi-a')).toBe(true);
    expect(lookups.keyCalls).toBe(1);
  });

  it('does not remember a failed lookup', async () => {
    lookups.failWith = new Error('fleet did not answer');
    await expect(directory.authenticate('hash-a')).rejects.toThrow('fleet did not answer');
    await expect(directory.exists('pi-a')).rejects.toThrow('fleet did not answer');
    lookups.failWith = undefined;
    expect(await directory.authenticate('hash-a')).not.toBeNull();
    expect(lookups.keyCalls).toBe(2);
  });

  it('knows a device exists once its key authenticated, without asking', async () => {
    await directory.authenticate('hash-a');
    expect(await directory.exists('pi-a')).toBe(true);
    expect(lookups.deviceCalls).toBe(0);
  });

  it('caches existence, a "no" briefly', async () => {
    expect(await directory.exists('pi-b')).toBe(false);
    expect(await directory.exists('pi-b')).toBe(false);
    expect(lookups.deviceCalls).toBe(1);
    lookups.devices.add('pi-b');
    now += 5_000;
    expect(await directory.exists('pi-b')).toBe(true);
    expect(lookups.deviceCalls).toBe(2);
  });

  it('learns from a registration that passed through: the device exists and its new key works at once', async () => {
    expect(await directory.exists('pi-new')).toBe(false);
    directory.rememberRegistration('pi-new', 'hash-new');
    expect(await directory.exists('pi-new')).toBe(true);
    expect(await directory.authenticate('hash-new')).toEqual({ kind: 'device_key', deviceId: 'pi-new' });
    expect(lookups.keyCalls).toBe(0);
    expect(lookups.deviceCalls).toBe(1);
  });
});
