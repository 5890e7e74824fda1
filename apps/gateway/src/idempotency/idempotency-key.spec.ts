import { ProctorError } from '@proctor/contracts';
import { readIdempotencyKey } from './idempotency-key';

describe('readIdempotencyKey', () => {
  const fieldsOf = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(ProctorError);
      expect((e as ProctorError).code).toBe('validation_failed');
      return Object.keys((e as ProctorError).details?.fields as object);
    }
    throw new Error('expected a validation error');
  };

  it('accepts a UUID and UUID-like tokens', () => {
    expect(readIdempotencyKey('0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11', true)).toBe('0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11');
    expect(readIdempotencyKey('hb:lab-a1:000042', true)).toBe('hb:lab-a1:000042');
    expect(readIdempotencyKey('x'.repeat(128), true)).toHaveLength(128);
  });

  it('refuses a missing key where one is required, naming the header', () => {
    expect(fieldsOf(() => readIdempotencyKey(undefined, true))).toEqual(['Idempotency-Key']);
    expect(fieldsOf(() => readIdempotencyKey('', true))).toEqual(['Idempotency-Key']);
  });

  it('lets a route where it is optional go without one', () => {
    expect(readIdempotencyKey(undefined, false)).toBeUndefined();
  });

  it('refuses what is not a token: too short, too long, spaces, sent twice', () => {
    for (const bad of ['short', 'x'.repeat(129), 'has space in it', 'ünïcödé-key']) {
      expect(fieldsOf(() => readIdempotencyKey(bad, false))).toEqual(['Idempotency-Key']);
    }
    expect(fieldsOf(() => readIdempotencyKey(['0b6f1c2e-6c0e-4e53', '0b6f1c2e-6c0e-4e54'], true))).toEqual(['Idempotency-Key']);
  });
});
