import { parseJobClaim } from './job-claim';

const jobId = '0b6c1f5e-8d2a-4e3b-9c7d-6a5b4c3d2e1f';
const answer = {
  job_id: jobId,
  attempt: 1,
  image: 'proctor-runner:latest',
  command: ['sh', '-c', 'echo hi'],
  env: { A: '1' },
  timeout_seconds: 60,
  limits: { cpus: 0.5, memory_mb: 64, pids: 64 },
  network: 'none',
  artifacts: ['out.txt'],
  workspace_url: null,
  artifact_upload_url: 'http://127.0.0.1:8083/artifacts/x/1?expires=1&sig=s',
};

describe('parseJobClaim', () => {
  it('takes a well-formed answer as it is', () => {
    expect(parseJobClaim(answer, { job_id: jobId, attempt: 1 })).toEqual(answer);
  });

  it.each<[string, Record<string, unknown>]>([
    ['attempt 2 is not the attempt claimed', { attempt: 2 }],
    ['image must be a non-empty string', { image: '' }],
    ['command must be a non-empty list of strings', { command: [] }],
    ['env must be a map of strings', { env: { A: 1 } }],
    ['env has a bad name "A=B"', { env: { 'A=B': 'x' } }],
    ['timeout_seconds must be a whole number from 1', { timeout_seconds: 0 }],
    ['limits.memory_mb must be a whole number from 4', { limits: { cpus: 1, memory_mb: 1.5, pids: 8 } }],
    ['network must be one of none, bridge', { network: 'host' }],
    ['workspace_url must be an http(s) URL or null', { workspace_url: 'file:///etc/passwd' }],
    ['artifact_upload_url must be an http(s) URL', { artifact_upload_url: undefined }],
  ])('refuses with "%s"', (error, change) => {
    expect(() => parseJobClaim({ ...answer, ...change }, { job_id: jobId, attempt: 1 })).toThrow(error);
  });
});
