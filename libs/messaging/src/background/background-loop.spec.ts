import { BackgroundLoop } from './background-loop';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BackgroundLoop', () => {
  it('runs at start, again on its interval, and never twice at once', async () => {
    let running = 0;
    let overlap = false;
    let runs = 0;
    const loop = new BackgroundLoop('test', async () => {
      running++;
      overlap ||= running > 1;
      await tick(5);
      runs++;
      running--;
    }, 20);
    loop.start();
    loop.wake();
    loop.wake();
    await tick(70);
    await loop.stop();
    expect(overlap).toBe(false);
    // The start, one run for the wakes during it, then the interval.
    expect(runs).toBeGreaterThanOrEqual(3);
    const after = runs;
    await tick(50);
    expect(runs).toBe(after);
  });

  it('runs at a given time sooner than its interval', async () => {
    const times: number[] = [];
    const loop = new BackgroundLoop('test', async () => void times.push(Date.now()), 10_000);
    loop.start();
    await tick(5);
    const asked = Date.now() + 30;
    loop.runAt(asked);
    await tick(60);
    await loop.stop();
    expect(times).toHaveLength(2);
    expect(times[1]).toBeGreaterThanOrEqual(asked - 2);
  });

  it('can hold its first run back', async () => {
    let runs = 0;
    const loop = new BackgroundLoop('test', async () => void runs++, 10_000);
    loop.start(40);
    await tick(20);
    expect(runs).toBe(0);
    await tick(40);
    await loop.stop();
    expect(runs).toBe(1);
  });

  it('keeps going after a failing run', async () => {
    let runs = 0;
    const loop = new BackgroundLoop('test', async () => {
      runs++;
      throw new Error('database away');
    }, 10);
    loop.start();
    await tick(50);
    await loop.stop();
    expect(runs).toBeGreaterThan(1);
  });
});
