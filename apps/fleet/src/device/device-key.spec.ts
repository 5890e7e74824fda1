import { secretDigest } from '@proctor/auth';
import { issueDeviceKey } from './device-key';

describe('issueDeviceKey', () => {
  it('issues a random key with the SHA-256 hex the gateway computes of it', () => {
    const { key, keyHash } = issueDeviceKey();
    expect(key).toMatch(/^pdk_[A-Za-z0-9_-]{43}$/);
    expect(keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretDigest(key)).toBe(keyHash);
  });

  it('never issues the same key twice', () => {
    expect(issueDeviceKey().key).not.toBe(issueDeviceKey().key);
  });
});
