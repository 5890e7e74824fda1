import { DaemonDefinition } from '@proctor/messaging';

export const AGENTD: DaemonDefinition = {
  daemon: 'agentd',
  description: 'the Proctor lab agent daemon',
  envPrefix: 'AGENTD',
  defaultConfigPath: '/etc/proctor/agentd.yml',
};
