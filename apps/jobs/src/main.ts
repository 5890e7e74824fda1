import 'reflect-metadata';
import { runService } from '@proctor/messaging';
import { JOBS_SERVICE } from './jobs.service-definition';

void runService(JOBS_SERVICE);
