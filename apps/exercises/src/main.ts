import 'reflect-metadata';
import { runService } from '@proctor/messaging';
import { EXERCISES_SERVICE } from './exercises.service-definition';

void runService(EXERCISES_SERVICE);
