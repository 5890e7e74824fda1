import 'reflect-metadata';
import { runService } from '@proctor/messaging';
import { HOSTS_SERVICE } from './hosts.service-definition';

void runService(HOSTS_SERVICE);
