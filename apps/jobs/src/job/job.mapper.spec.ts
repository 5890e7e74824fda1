import { Job } from './job.entity';
import { toJobView } from './job.mapper';

describe('toJobView', () => {
  const job: Job = {
    id: '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11',
    status: 'queued',
    success: null,
    start_time: null,
    end_time: null,
    image: null,
    command: null,
    priority: 0,
    labels: {},
    submitted_by: null,
    created_at: new Date('2026-11-23T10:00:00.123Z'),
  };

  it('exposes the id as job_id and keeps what is not known yet null', () => {
    expect(toJobView(job)).toEqual({
      job_id: job.id,
      status: 'queued',
      success: null,
      start_time: null,
      end_time: null,
      image: null,
      command: null,
      priority: 0,
      labels: {},
      submitted_by: null,
      created_at: '2026-11-23T10:00:00.123Z',
    });
  });

  it('shows the times of a finished job as ISO strings', () => {
    const finished = { ...job, status: 'completed' as const, success: true, start_time: new Date('2026-11-23T10:01:00.000Z'), end_time: new Date('2026-11-23T10:02:30.500Z') };
    expect(toJobView(finished)).toMatchObject({ success: true, start_time: '2026-11-23T10:01:00.000Z', end_time: '2026-11-23T10:02:30.500Z' });
  });
});
