/**
 * Retries an assertion until it passes or the time is up, then fails with the assertion's own
 * error: for what happens asynchronously (an event consumed, a row written by a relay).
 */
export async function expectEventually<T>(assertion: () => Promise<T> | T, { timeoutMs = 10000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
