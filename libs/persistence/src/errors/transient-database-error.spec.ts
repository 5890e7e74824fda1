import { isTransientDatabaseError } from './transient-database-error';

describe('isTransientDatabaseError', () => {
  it('recognises an unreachable or restarting database, deadlocks and serialization failures', () => {
    for (const code of ['08006', '08001', '57P01', '57P03', '53300', '40P01', '40001', 'ECONNREFUSED', 'ECONNRESET']) {
      expect([code, isTransientDatabaseError({ code, message: 'x' })]).toEqual([code, true]);
    }
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDatabaseError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('blames the data for anything else', () => {
    for (const code of ['23505', '22P02', '23503', '42P01']) expect(isTransientDatabaseError({ code, message: 'x' })).toBe(false);
    expect(isTransientDatabaseError(new Error('boom'))).toBe(false);
    expect(isTransientDatabaseError('boom')).toBe(false);
    expect(isTransientDatabaseError(null)).toBe(false);
  });
});
