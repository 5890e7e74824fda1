import { loadDaemonConfig } from '@proctor/messaging';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTD } from './hostd.daemon-definition';

const deploy = join(__dirname, '../deploy');

describe('hostd deploy files', () => {
  it('ship an example configuration that loads', () => {
    const config = loadDaemonConfig(HOSTD, ['--config', join(deploy, 'hostd.example.yml')], {});
    expect(config).toMatchObject({ gatewayUrl: 'https://proctor.example.com', port: 9100, configFile: join(deploy, 'hostd.example.yml') });
  });

  it('ship a systemd unit that starts the built daemon with its default configuration', () => {
    const unit = readFileSync(join(deploy, 'proctor-hostd.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/proctor/dist/apps/hostd/src/main.js');
    expect(unit).toContain(`Environment=HOSTD_CONFIG=${HOSTD.defaultConfigPath}`);
  });
});
