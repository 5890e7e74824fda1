import 'reflect-metadata';
import { runDaemon } from '@proctor/messaging';
import { HOSTD } from './hostd.daemon-definition';

void runDaemon(HOSTD);
