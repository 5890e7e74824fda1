import { Job } from './job.entity';
import { toJobView } from './job.mapper';

describe('toJobView', () => {
  const job: Job = {
    id: '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11',
    status: 'queued',
    success: null,
    start_time: null,
    end_time: null,
    image: 'proctor-runner:latest',
    command: ['sh', '-c', 'make test'],
    env: { TOKEN: 's3cret', CI: 'true' },
    timeout_seconds: 600,
    cpus: 1.5,
    memory_mb: 512,
    pids: 256,
    network: 'none',
    artifacts: ['reports/junit.xml'],
    priority: 0,
    labels: {},
    retries: 1,
    webhook_url: null,
    submitted_by: null,
    agent_id: null,
    attempt: 0,
    assigned_at: null,
    exit_code: null,
    reason: null,
    cancel_requested_at: null,
    cancel_acknowledged_at: null,
    stopped: null,
    last_seq: null,
    archive_size: 2048,
    archive_sha256: 'ab'.repeat(32),
    created_at: new Date('2026-11-23T10:00:00.123Z'),
    updated_at: new Date('2026-11-23T10:00:00.123Z'),
  };

  it('exposes the id as job_id, keeps what is not known yet null and groups the limits', () => {
    expect(toJobView(job)).toMatchObject({
      job_id: job.id,
      status: 'queued',
      success: null,
      start_time: null,
      end_time: null,
      limits: { cpus: 1.5, memory_mb: 512, pids: 256 },
      archive: { size: 2048, sha256: 'ab'.repeat(32) },
      agent_id: null,
      created_at: '2026-11-23T10:00:00.123Z',
    });
    expect(toJobView(job)).not.toHaveProperty('id');
  });

  it('shows the names of env variables, never their values', () => {
    const view = toJobView(job);
    expect(view.env_keys).toEqual(['CI', 'TOKEN']);
    expect(JSON.stringify(view)).not.toContain('s3cret');
  });

  it('shows the times of a finished job as ISO strings', () => {
    const finished = { ...job, status: 'completed' as const, success: true, start_time: new Date('2026-11-23T10:01:00.000Z'), end_time: new Date('2026-11-23T10:02:30.500Z') };
    expect(toJobView(finished)).toMatchObject({ success: true, start_time: '2026-11-23T10:01:00.000Z', end_time: '2026-11-23T10:02:30.500Z' });
  });
});
