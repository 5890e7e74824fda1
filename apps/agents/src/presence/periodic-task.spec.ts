import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs every interval, one run at a time', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const task = new PeriodicTask(100, () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    }, () => undefined);
    task.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(500); // the first run is still going: no second one
    expect(runs).toBe(1);
    release();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    release();
    await task.stop();
  });

  it('goes on after a failing run and reports the failure', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const task = new PeriodicTask(50, async () => {
      runs++;
      throw new Error('database down');
    }, (e) => errors.push(e));
    task.start();
    await jest.advanceTimersByTimeAsync(160);
    expect(runs).toBe(3);
    expect(errors).toHaveLength(3);
    await task.stop();
  });

  it('stops: waits for the run in progress and schedules nothing more', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const task = new PeriodicTask(10, () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    }, () => undefined);
    task.start();
    await jest.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
  });
});
