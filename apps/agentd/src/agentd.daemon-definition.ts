import { DaemonDefinition } from '@proctor/messaging';
import { agentWork, STORAGE_PATHS_SETTING } from './agent-daemon';
import { agentDrainSeconds, JOB_RUNNER_SETTINGS } from './jobs/job-runner-config';

export const AGENTD: DaemonDefinition = {
  daemon: 'agentd',
  description: 'the Proctor lab agent daemon',
  envPrefix: 'AGENTD',
  defaultConfigPath: '/etc/proctor/agentd.yml',
  listSettings: [{ file: STORAGE_PATHS_SETTING, help: 'storage directories to announce (those that exist), a,b or a sequence in the file' }],
  settings: [...JOB_RUNNER_SETTINGS],
  drainSeconds: agentDrainSeconds,
  work: agentWork(),
};
