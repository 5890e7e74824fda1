import { LiveChunk, readFinishedEvent, readLogMessage } from './live-log-message';

const job = '550e8400-e29b-41d4-a716-446655440000';

describe('live messages', () => {
  it('reads a log chunk and serializes its frame once', () => {
    const message = readLogMessage({ job_id: job, attempt: 1, seq: 2, data: 'ok\n', at: '2026-11-23T10:00:00.000Z' });
    expect(message).toEqual({ job_id: job, attempt: 1, seq: 2, data: 'ok\n', at: '2026-11-23T10:00:00.000Z' });
    const live = new LiveChunk(message as NonNullable<typeof message>);
    expect(live.frame).toBe('id: 1-2\ndata: {"type":"log","data":"ok\\n"}\n\n');
    expect(live.frame).toBe(live.frame);
  });

  it('drops what is not a chunk', () => {
    for (const bad of [null, 'x', { job_id: job, attempt: 0, seq: 1, data: '' }, { job_id: job, attempt: 1, seq: 1.5, data: '' }, { job_id: job, attempt: 1, seq: 1 }]) {
      expect(readLogMessage(bad)).toBeNull();
    }
  });

  it('reads a finished event, and drops one without last_seq', () => {
    const event = { job_id: job, status: 'completed', success: true, attempt: 1, exit_code: 0, reason: null, last_seq: 0, end_time: '2026-11-23T10:00:00.000Z' };
    expect(readFinishedEvent(event)).toEqual(event);
    expect(readFinishedEvent({ ...event, attempt: 0, status: 'canceled', success: false })).toMatchObject({ attempt: 0 });
    expect(readFinishedEvent({ ...event, last_seq: undefined })).toBeNull();
  });
});
