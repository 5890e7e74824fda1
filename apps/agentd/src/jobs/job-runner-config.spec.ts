import { DaemonConfig, loadDaemonConfig } from '@proctor/messaging';
import { AGENTD } from '../agentd.daemon-definition';
import { agentDrainSeconds, containerPrefix, jobRunnerConfig } from './job-runner-config';

const required = { AGENTD_GATEWAY_URL: 'http://gw:8080', AGENTD_NAME: 'lab-1', AGENTD_KEY: 'k' };

describe('jobRunnerConfig', () => {
  it('has the documented defaults', () => {
    expect(jobRunnerConfig(loadDaemonConfig(AGENTD, [], required))).toEqual({
      maxConcurrent: 2,
      workDir: '/var/lib/proctor/jobs',
      containerPrefix: 'proctor-job-',
      stopGraceSeconds: 10,
      drainSeconds: 30,
      maxArchiveBytes: 1024 * 1024 * 1024,
      maxWorkspaceBytes: 8192 * 1024 * 1024,
      maxArtifactBytes: 100 * 1024 * 1024,
    });
  });

  it('reads the jobs settings from their variables and flags, and adds the namespace to the prefix', () => {
    const config = loadDaemonConfig(AGENTD, ['--jobs-max-concurrent', '4', '--namespace', 'ci7'], { ...required, AGENTD_JOBS_STOP_GRACE_SECONDS: '2' });
    expect(jobRunnerConfig(config)).toMatchObject({ maxConcurrent: 4, stopGraceSeconds: 2, containerPrefix: 'proctor-job-ci7-' });
  });

  it('takes the defaults for settings a hand-made configuration leaves out', () => {
    const config = { ...loadDaemonConfig(AGENTD, [], required), settings: {} } as DaemonConfig;
    expect(jobRunnerConfig(config).maxConcurrent).toBe(2);
  });

  it('refuses a relative work directory and a prefix Docker would not take', () => {
    expect(() => loadDaemonConfig(AGENTD, ['--jobs-work-dir', 'jobs'], required)).toThrow('config: --jobs-work-dir must be an absolute path, got "jobs"');
    expect(() => loadDaemonConfig(AGENTD, [], { ...required, AGENTD_JOBS_CONTAINER_PREFIX: 'a b' })).toThrow('config: AGENTD_JOBS_CONTAINER_PREFIX may hold only');
  });
});

describe('containerPrefix', () => {
  it('adds the broker namespace, so installations sharing an engine never touch each other\'s containers', () => {
    expect(containerPrefix('proctor-job-', '')).toBe('proctor-job-');
    expect(containerPrefix('proctor-job-', 'test1')).toBe('proctor-job-test1-');
  });
});

describe('agentDrainSeconds', () => {
  it('covers the tasks\' drain, and the jobs\' drain with one stop grace after it', () => {
    const config = loadDaemonConfig(AGENTD, [], required);
    expect(agentDrainSeconds(config)).toBe(40);
    expect(agentDrainSeconds({ ...config, drainTimeoutSeconds: 90 })).toBe(90);
  });
});
