import { loadDaemonConfig } from '@proctor/messaging';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTD } from './agentd.daemon-definition';

const deploy = join(__dirname, '../deploy');

describe('agentd deploy files', () => {
  it('ship an example configuration that loads', () => {
    const config = loadDaemonConfig(AGENTD, ['--config', join(deploy, 'agentd.example.yml')], {});
    expect(config).toMatchObject({ gatewayUrl: 'https://proctor.example.com', port: 9100, configFile: join(deploy, 'agentd.example.yml') });
  });

  it('ship a systemd unit that starts the built daemon with its default configuration', () => {
    const unit = readFileSync(join(deploy, 'proctor-agentd.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/proctor/dist/apps/agentd/src/main.js');
    expect(unit).toContain(`Environment=AGENTD_CONFIG=${AGENTD.defaultConfigPath}`);
  });
});
