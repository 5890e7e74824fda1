import { UnknownKeyLimiter } from './unknown-key-limiter';

describe('UnknownKeyLimiter', () => {
  let now = 0;
  const limiter = () => new UnknownKeyLimiter(3, 100, () => now);
  beforeEach(() => (now = 0));

  it('lets an address have a few unknown keys looked up, then blocks it for the rest of the minute', () => {
    const l = limiter();
    for (let i = 0; i < 3; i++) {
      expect(l.blockedForSeconds('10.0.0.1')).toBe(0);
      l.recordUnknownKey('10.0.0.1');
    }
    now = 20_000;
    expect(l.blockedForSeconds('10.0.0.1')).toBe(40);
    now = 60_000;
    expect(l.blockedForSeconds('10.0.0.1')).toBe(0);
  });

  it('counts each address apart', () => {
    const l = limiter();
    for (let i = 0; i < 5; i++) l.recordUnknownKey('10.0.0.1');
    expect(l.blockedForSeconds('10.0.0.2')).toBe(0);
  });
});
