import { ReadinessService } from './readiness.service';

describe('ReadinessService', () => {
  it('is ready only when every check passes, and names the failing one', async () => {
    const readiness = new ReadinessService();
    readiness.register('database', async () => undefined);
    readiness.register('broker', async () => {
      throw new Error('not connected');
    });
    await expect(readiness.report()).resolves.toEqual({
      ready: false,
      checks: { database: { ok: true }, broker: { ok: false, error: 'not connected' } },
    });
  });

  it('fails a check that hangs past the timeout', async () => {
    const readiness = new ReadinessService();
    readiness.register('slow', () => new Promise(() => undefined));
    const report = await readiness.report(20);
    expect(report.checks.slow).toEqual({ ok: false, error: 'no answer within 20 ms' });
  });

  it('stops being ready once draining', async () => {
    const readiness = new ReadinessService();
    readiness.markDraining();
    expect((await readiness.report()).ready).toBe(false);
  });
});
