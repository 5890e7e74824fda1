import { digestsMatch, secretDigest } from './secret-digest';

describe('secretDigest', () => {
  it('is the lowercase hex SHA-256 of the UTF-8 secret', () => {
    expect(secretDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(secretDigest('pak_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('digestsMatch', () => {
  const digest = secretDigest('pak_secret');

  it('matches the same digest and refuses another', () => {
    expect(digestsMatch(digest, digest)).toBe(true);
    expect(digestsMatch(secretDigest('pak_other'), digest)).toBe(false);
  });

  it('never matches something that is not a digest (a revoked marker, upper case, a short string)', () => {
    expect(digestsMatch(digest, 'unusable:1234')).toBe(false);
    expect(digestsMatch(digest.toUpperCase(), digest)).toBe(false);
    expect(digestsMatch('ab', 'ab')).toBe(false);
  });
});
