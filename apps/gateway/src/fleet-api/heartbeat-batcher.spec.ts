import { checkBatchWindow, HeartbeatBatcher } from './heartbeat-batcher';

/** Each add()'s outcome as it settles: 'ok' or the error's message. */
function track(promise: Promise<void>): { outcome?: string; settled: number } {
  const state: { outcome?: string; settled: number } = { settled: 0 };
  promise.then(
    () => {
      state.outcome = 'ok';
      state.settled++;
    },
    (e: Error) => {
      state.outcome = e.message;
      state.settled++;
    },
  );
  return state;
}

const flushPromises = () => new Promise<void>((resolve) => jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve));

describe('HeartbeatBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends a batch as soon as it holds maxCount items, without waiting for the timer', async () => {
    const sent: number[][] = [];
    const batcher = new HeartbeatBatcher<number>({ maxCount: 3, maxWaitMs: 50 }, (items) => (sent.push(items), Promise.resolve()));
    const calls = [1, 2, 3, 4].map((n) => track(batcher.add(n)));
    expect(sent).toEqual([[1, 2, 3]]);
    await flushPromises();
    expect(calls.map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok', undefined]);
    jest.advanceTimersByTime(50);
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('sends what it holds maxWaitMs after the first item of the batch, not later', () => {
    const sent: number[][] = [];
    const batcher = new HeartbeatBatcher<number>({ maxCount: 100, maxWaitMs: 5 }, (items) => (sent.push(items), Promise.resolve()));
    void batcher.add(1);
    jest.advanceTimersByTime(3);
    void batcher.add(2);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([[1, 2]]);
    void batcher.add(3);
    jest.advanceTimersByTime(4);
    expect(sent).toEqual([[1, 2]]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([[1, 2], [3]]);
  });

  it('with maxWaitMs 0, sends what was added in this turn of the event loop together, at its end', () => {
    const sent: number[][] = [];
    const batcher = new HeartbeatBatcher<number>({ maxCount: 100, maxWaitMs: 0 }, (items) => (sent.push(items), Promise.resolve()));
    void batcher.add(1);
    void batcher.add(2);
    expect(sent).toEqual([]);
    jest.runOnlyPendingTimers();
    expect(sent).toEqual([[1, 2]]);
  });

  it('settles each caller once, with the outcome of its own batch', async () => {
    const sends: { resolve: () => void; reject: (e: Error) => void }[] = [];
    const batcher = new HeartbeatBatcher<number>(
      { maxCount: 2, maxWaitMs: 10 },
      () => new Promise<void>((resolve, reject) => sends.push({ resolve, reject })),
    );
    const first = [track(batcher.add(1)), track(batcher.add(2))];
    const second = [track(batcher.add(3)), track(batcher.add(4))];
    sends[1].reject(new Error('nacked'));
    sends[0].resolve();
    // Settling again changes nothing.
    sends[0].reject(new Error('late'));
    sends[1].resolve();
    await flushPromises();
    expect(first).toEqual([
      { outcome: 'ok', settled: 1 },
      { outcome: 'ok', settled: 1 },
    ]);
    expect(second).toEqual([
      { outcome: 'nacked', settled: 1 },
      { outcome: 'nacked', settled: 1 },
    ]);
  });

  it('fails every caller of a batch whose send throws instead of returning a promise', async () => {
    const batcher = new HeartbeatBatcher<number>({ maxCount: 2, maxWaitMs: 10 }, () => {
      throw new Error('channel closed');
    });
    const calls = [track(batcher.add(1)), track(batcher.add(2))];
    await flushPromises();
    expect(calls.map((c) => c.outcome)).toEqual(['channel closed', 'channel closed']);
  });

  it('arms no timer for a batch sent full, and starts the next batch afresh', () => {
    const sent: number[][] = [];
    const batcher = new HeartbeatBatcher<number>({ maxCount: 2, maxWaitMs: 10 }, (items) => (sent.push(items), Promise.resolve()));
    void batcher.add(1);
    void batcher.add(2);
    jest.advanceTimersByTime(9);
    void batcher.add(3);
    jest.advanceTimersByTime(9);
    expect(sent).toEqual([[1, 2]]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([[1, 2], [3]]);
  });

  it('refuses a window that cannot work', () => {
    expect(() => checkBatchWindow({ maxCount: 0, maxWaitMs: 1 })).toThrow('maxCount');
    expect(() => checkBatchWindow({ maxCount: 1.5, maxWaitMs: 1 })).toThrow('maxCount');
    expect(() => checkBatchWindow({ maxCount: 10, maxWaitMs: -1 })).toThrow('maxWaitMs');
    expect(checkBatchWindow({ maxCount: 1, maxWaitMs: 0 })).toEqual({ maxCount: 1, maxWaitMs: 0 });
  });
});
