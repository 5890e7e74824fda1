import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs first after the given delay, then every interval after the previous run ends', async () => {
    const runs: number[] = [];
    const task = new PeriodicTask('t', 100, async () => {
      runs.push(Date.now());
      await new Promise((r) => setTimeout(r, 30));
    });
    const t0 = Date.now();
    task.start(10);
    await jest.advanceTimersByTimeAsync(300);
    expect(runs.map((t) => t - t0)).toEqual([10, 140, 270]);
    await task.stop();
  });

  it('keeps running after a failed run', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const task = new PeriodicTask('t', 10, async () => {
      calls++;
      throw new Error('boom');
    });
    task.start(0);
    await jest.advanceTimersByTimeAsync(25);
    expect(calls).toBe(3);
    expect(logged).toHaveBeenCalledWith({ msg: 't failed, will run again', error: 'boom' });
    await task.stop();
    logged.mockRestore();
  });

  it('waits on stop for the run under way, and runs no more', async () => {
    let finished = false;
    let calls = 0;
    const task = new PeriodicTask('t', 10, async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    task.start(0);
    await jest.advanceTimersByTimeAsync(1);
    const stopping = task.stop();
    await jest.advanceTimersByTimeAsync(100);
    await stopping;
    expect(finished).toBe(true);
    expect(calls).toBe(1);
  });
});
