import 'reflect-metadata';
import { runDaemon } from '@proctor/messaging';
import { AGENTD } from './agentd.daemon-definition';

void runDaemon(AGENTD);
