import { loadDaemonConfig } from '@proctor/messaging';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTD } from './agentd.daemon-definition';
import { EXIT_AGENT_DELETED, EXIT_UNSUPPORTED_VERSION } from './gateway/agent-exit';
import { agentDrainSeconds, jobRunnerConfig } from './jobs/job-runner-config';

const deploy = join(__dirname, '../deploy');
const unit = () => readFileSync(join(deploy, 'proctor-agentd.service'), 'utf8');
const setting = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit())?.[1];

describe('agentd deploy files', () => {
  it('ship an example configuration that loads', () => {
    const config = loadDaemonConfig(AGENTD, ['--config', join(deploy, 'agentd.example.yml')], {});
    expect(config).toMatchObject({
      gatewayUrl: 'https://proctor.example.com',
      port: 9100,
      drainTimeoutSeconds: 30,
      lists: { storage_paths: ['/srv/proctor/storage'] },
      configFile: join(deploy, 'agentd.example.yml'),
    });
    expect(jobRunnerConfig(config)).toMatchObject({ maxConcurrent: 2, workDir: '/var/lib/proctor/jobs', stopGraceSeconds: 10, drainSeconds: 30 });
  });

  it('ship a systemd unit that starts the built daemon with its default configuration', () => {
    expect(unit()).toContain('ExecStart=/usr/bin/node /opt/proctor/dist/apps/agentd/src/main.js');
    expect(unit()).toContain(`Environment=AGENTD_CONFIG=${AGENTD.defaultConfigPath}`);
  });

  it('ship a systemd unit that lets the daemon drain its own iperf3 processes and jobs, with time for it', () => {
    // control-group (the default) would SIGTERM the iperf3 children along with the daemon.
    expect(setting('KillMode')).toBe('mixed');
    const config = loadDaemonConfig(AGENTD, ['--config', join(deploy, 'agentd.example.yml')], {});
    expect(Number(setting('TimeoutStopSec'))).toBeGreaterThanOrEqual(agentDrainSeconds(config) + 20);
  });

  it('ship a systemd unit whose state directory holds the job workspaces', () => {
    const config = loadDaemonConfig(AGENTD, ['--config', join(deploy, 'agentd.example.yml')], {});
    expect(jobRunnerConfig(config).workDir.startsWith(`/var/lib/${setting('StateDirectory')}/`)).toBe(true);
  });

  it('ship a systemd unit that does not restart what a restart cannot fix', () => {
    expect(setting('RestartPreventExitStatus')?.split(/\s+/)).toEqual([String(EXIT_AGENT_DELETED), String(EXIT_UNSUPPORTED_VERSION)]);
  });
});
