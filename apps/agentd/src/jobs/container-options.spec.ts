import { JobClaimView } from '@proctor/contracts';
import { containerCreateOptions, containerEnv, containerName } from './container-options';

const claim: JobClaimView = {
  job_id: '0b6c1f5e-8d2a-4e3b-9c7d-6a5b4c3d2e1f',
  attempt: 2,
  image: 'proctor-runner:latest',
  command: ['sh', '-c', 'make test'],
  env: { CI_TOKEN: 's3cret', HOME: '/workspace' },
  timeout_seconds: 600,
  limits: { cpus: 1.5, memory_mb: 512, pids: 256 },
  network: 'none',
  artifacts: ['reports/junit.xml'],
  workspace_url: 'http://jobs:8083/workspaces/x/2?expires=1&sig=a',
  artifact_upload_url: 'http://jobs:8083/artifacts/x/2?expires=1&sig=b',
};
const plan = { claim, name: 'proctor-job-ns1-x-2', workspaceDir: '/var/lib/proctor/jobs/proctor-job-ns1-x-2/workspace', agentId: 'agent-1', prefix: 'proctor-job-ns1-' };

describe('containerName', () => {
  it('is the prefix, the job id and the attempt', () => {
    expect(containerName('proctor-job-', claim.job_id, 3)).toBe(`proctor-job-${claim.job_id}-3`);
  });
});

describe('containerCreateOptions', () => {
  it('runs the job\'s image and command in /workspace, one TTY stream, labelled for reaping', () => {
    expect(containerCreateOptions(plan)).toMatchObject({
      name: 'proctor-job-ns1-x-2',
      Image: 'proctor-runner:latest',
      Cmd: ['sh', '-c', 'make test'],
      WorkingDir: '/workspace',
      Tty: true,
      OpenStdin: false,
      Labels: { 'proctor.job': claim.job_id, 'proctor.attempt': '2', 'proctor.agent': 'agent-1', 'proctor.prefix': 'proctor-job-ns1-' },
    });
  });

  it('locks the container down: nobody, no capabilities, no privilege gain, read-only root, no network', () => {
    const options = containerCreateOptions(plan);
    expect(options.User).toBe('65534:65534');
    expect(options.HostConfig).toMatchObject({
      Binds: ['/var/lib/proctor/jobs/proctor-job-ns1-x-2/workspace:/workspace:rw'],
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': expect.stringMatching(/^rw,.*size=64m/) },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      Init: true,
    });
  });

  it('applies the job\'s limits, with no swap on top of the memory', () => {
    expect(containerCreateOptions(plan).HostConfig).toMatchObject({
      NanoCpus: 1_500_000_000,
      Memory: 512 * 1024 * 1024,
      MemorySwap: 512 * 1024 * 1024,
      PidsLimit: 256,
    });
  });

  it('gives the bridge network only to a job that asks for it', () => {
    expect(containerCreateOptions({ ...plan, claim: { ...claim, network: 'bridge' } }).HostConfig?.NetworkMode).toBe('bridge');
  });
});

describe('containerEnv', () => {
  it('puts the job\'s variables over the defaults, and its id and attempt last', () => {
    expect(containerEnv({ ...claim, env: { ...claim.env, PROCTOR_JOB_ID: 'forged' } })).toEqual([
      'CI=true',
      'HOME=/workspace',
      'CI_TOKEN=s3cret',
      `PROCTOR_JOB_ID=${claim.job_id}`,
      'PROCTOR_JOB_ATTEMPT=2',
    ]);
  });
});
