import { DaemonDefinition } from '@proctor/messaging';

export const HOSTD: DaemonDefinition = {
  daemon: 'hostd',
  description: 'the Proctor device-host daemon',
  envPrefix: 'HOSTD',
  defaultConfigPath: '/etc/proctor/hostd.yml',
};
