import { apiKeyDigest, StaticApiKeys } from './static-api-keys';

describe('StaticApiKeys', () => {
  const keys = new StaticApiKeys({ adminKey: 'admin-key-with-more-privileges', fleetKey: 'your-secure-api-key-here' });

  it('tells the admin key and the fleet key apart', () => {
    expect(keys.match(apiKeyDigest('admin-key-with-more-privileges'))).toEqual({ kind: 'admin_key' });
    expect(keys.match(apiKeyDigest('your-secure-api-key-here'))).toEqual({ kind: 'fleet_key' });
  });

  it('matches nothing else, not even a prefix or a longer key', () => {
    for (const other of ['', 'your-secure-api-key-her', 'your-secure-api-key-here ', 'YOUR-SECURE-API-KEY-HERE', 'device-key']) {
      expect(keys.match(apiKeyDigest(other))).toBeUndefined();
    }
  });

  it('digests as lowercase SHA-256 hex, the form AuthenticateDevice expects', () => {
    expect(apiKeyDigest('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
