import 'reflect-metadata';
import { runService } from '@proctor/messaging';
import { AGENTS_SERVICE } from './agents.service-definition';

void runService(AGENTS_SERVICE);
