import { TtlLruCache } from './ttl-lru-cache';

describe('TtlLruCache', () => {
  let now = 1_000;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('keeps a cached null apart from a miss', () => {
    const cache = new TtlLruCache<string, string | null>(10, clock);
    cache.set('unknown-key', null, 5_000);
    expect(cache.lookup('unknown-key')).toEqual({ value: null, expiresAt: 6_000 });
    expect(cache.lookup('never-seen')).toBeUndefined();
  });

  it('forgets each entry after its own lifetime', () => {
    const cache = new TtlLruCache<string, boolean>(10, clock);
    cache.set('yes', true, 60_000);
    cache.set('no', false, 5_000);
    now += 5_000;
    expect(cache.lookup('no')).toBeUndefined();
    expect(cache.lookup('yes')?.value).toBe(true);
    now += 55_000;
    expect(cache.lookup('yes')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry when full', () => {
    const cache = new TtlLruCache<string, number>(2, clock);
    cache.set('a', 1, 60_000);
    cache.set('b', 2, 60_000);
    cache.lookup('a');
    cache.set('c', 3, 60_000);
    expect(cache.lookup('b')).toBeUndefined();
    expect(cache.lookup('a')?.value).toBe(1);
    expect(cache.lookup('c')?.value).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('replaces an entry without evicting another', () => {
    const cache = new TtlLruCache<string, number>(2, clock);
    cache.set('a', 1, 60_000);
    cache.set('b', 2, 60_000);
    cache.set('a', 10, 60_000);
    expect(cache.lookup('a')?.value).toBe(10);
    expect(cache.lookup('b')?.value).toBe(2);
  });
});
