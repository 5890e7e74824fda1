import { logCursor, toJobLogsView } from './job-log-page';

describe('job log pages', () => {
  const chunk = (attempt: number, seq: number) => ({ attempt, seq, data: `line ${seq}\n`, at: '2026-11-23T10:00:00.000Z' });
  const running = { status: 'running' as const, success: null, attempt: 1, last_seq: null };

  it('reads from the beginning unless told where to start', () => {
    expect(logCursor({})).toEqual({ attempt: 0, seq: 0 });
    expect(logCursor({ after_attempt: 2, after_seq: 40 })).toEqual({ attempt: 2, seq: 40 });
  });

  it('says more follow when the page is full, and gives no more than the limit', () => {
    const view = toJobLogsView('j1', running, [chunk(1, 1), chunk(1, 2), chunk(1, 3)], 2);
    expect(view.chunks).toEqual([chunk(1, 1), chunk(1, 2)]);
    expect(view.more).toBe(true);
    expect(toJobLogsView('j1', running, [chunk(1, 1)], 2).more).toBe(false);
  });

  it('gives no last chunk while the job runs, and its run and last chunk once it has finished', () => {
    expect(toJobLogsView('j1', running, [], 10).last).toBeNull();
    expect(toJobLogsView('j1', { status: 'completed', success: true, attempt: 2, last_seq: 9 }, [], 10)).toMatchObject({
      status: 'completed',
      success: true,
      last: { attempt: 2, seq: 9 },
    });
    expect(toJobLogsView('j1', { status: 'canceled', success: false, attempt: 0, last_seq: null }, [], 10).last).toEqual({ attempt: 0, seq: 0 });
  });
});
