import { completeFrame, jobIdFrame, logFrame } from './sse-frames';

describe('SSE frames', () => {
  it("writes the seed's events as data lines of JSON, log events with their id", () => {
    expect(logFrame({ attempt: 1, seq: 3, data: 'Running tests...\n' })).toBe('id: 1-3\ndata: {"type":"log","data":"Running tests...\\n"}\n\n');
    expect(jobIdFrame('550e8400-e29b-41d4-a716-446655440000')).toBe('data: {"type":"job_id","job_id":"550e8400-e29b-41d4-a716-446655440000"}\n\n');
    expect(completeFrame(true, 'completed')).toBe('data: {"type":"complete","success":true,"status":"completed"}\n\n');
  });

  it('keeps any output on one data line', () => {
    const frame = logFrame({ attempt: 1, seq: 1, data: 'a\r\nb\nc\rd' });
    expect(frame.split('\n').filter((l) => l.startsWith('data: '))).toHaveLength(1);
    expect(frame.slice(0, -2)).not.toMatch(/\r/);
  });
});
