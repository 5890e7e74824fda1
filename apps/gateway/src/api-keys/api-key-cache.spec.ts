import { ApiKeyCache } from './api-key-cache';

describe('ApiKeyCache', () => {
  let now = 1_000;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('answers a remembered key until its lifetime is over', () => {
    const cache = new ApiKeyCache(5_000, 10, clock);
    cache.remember('digest', 'ci', cache.lookupStarted());
    now += 4_999;
    expect(cache.nameOf('digest')).toBe('ci');
    now += 1;
    expect(cache.nameOf('digest')).toBeUndefined();
  });

  it('forgets a revoked key at once', () => {
    const cache = new ApiKeyCache(5_000, 10, clock);
    cache.remember('digest', 'ci', cache.lookupStarted());
    cache.revoked('digest');
    expect(cache.nameOf('digest')).toBeUndefined();
  });

  it('does not keep a lookup that began before a revocation', () => {
    const cache = new ApiKeyCache(5_000, 10, clock);
    const started = cache.lookupStarted();
    cache.revoked('digest');
    cache.remember('digest', 'ci', started);
    expect(cache.nameOf('digest')).toBeUndefined();
    cache.remember('digest', 'ci', cache.lookupStarted());
    expect(cache.nameOf('digest')).toBe('ci');
  });

  it('keeps nothing with a lifetime of 0', () => {
    const cache = new ApiKeyCache(0, 10, clock);
    cache.remember('digest', 'ci', cache.lookupStarted());
    expect(cache.nameOf('digest')).toBeUndefined();
  });
});
