import jwt from 'jsonwebtoken';
import { bearerToken, VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  const principal = { subject: 'admin', roles: ['admin'] };
  const tokenExpiringAt = (seconds: number) => jwt.sign({ exp: seconds }, 'k');

  it('answers for a remembered token until its exp, then forgets it', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache(10, () => now);
    const token = tokenExpiringAt(1_060);
    cache.remember(token, principal);
    expect(cache.get(token)).toEqual(principal);
    now = 1_060_000;
    expect(cache.get(token)).toBeUndefined();
  });

  it('does not remember a token without exp, or already expired', () => {
    const cache = new VerifiedTokenCache(10, () => 5_000_000);
    const noExp = jwt.sign({}, 'k', { noTimestamp: true });
    cache.remember(noExp, principal);
    cache.remember(tokenExpiringAt(4_000), principal);
    expect(cache.get(noExp)).toBeUndefined();
    expect(cache.get(tokenExpiringAt(4_000))).toBeUndefined();
  });

  it('stays bounded, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache(2, () => 0);
    const [a, b, c] = [1, 2, 3].map((n) => jwt.sign({ exp: 10_000 + n }, 'k'));
    cache.remember(a, principal);
    cache.remember(b, principal);
    cache.remember(c, principal);
    expect([cache.get(a), cache.get(b), cache.get(c)]).toEqual([undefined, principal, principal]);
  });
});

describe('bearerToken', () => {
  it('reads a bearer token and nothing else', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
