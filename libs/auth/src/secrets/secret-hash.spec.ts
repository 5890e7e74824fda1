import { generateSecret, hashSecret, verifySecret } from './secret-hash';

describe('secret hashing', () => {
  it('verifies the secret it hashed and nothing else', async () => {
    const secret = generateSecret('pk_');
    const stored = await hashSecret(secret);
    expect(stored).not.toContain(secret);
    expect(stored.startsWith('scrypt$')).toBe(true);
    await expect(verifySecret(secret, stored)).resolves.toBe(true);
    await expect(verifySecret(secret + 'x', stored)).resolves.toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashSecret('same')).not.toBe(await hashSecret('same'));
  });

  it('refuses a malformed stored hash', async () => {
    await expect(verifySecret('x', 'plain-text')).resolves.toBe(false);
  });

  it('makes long random secrets', () => {
    expect(generateSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
