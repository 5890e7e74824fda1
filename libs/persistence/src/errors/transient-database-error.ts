/**
 * Whether a database failure will pass by itself and blames no message: the connection is down or
 * refused, the server is shutting down or overloaded, or the transaction lost a deadlock or a
 * serialization race. A batch that fails so is held and retried, never dead-lettered.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // SQLSTATE classes 08 (connection), 53 (resources), 57P (operator intervention); 40001, 40P01.
    if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  }
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}
