import 'reflect-metadata';
import { runService } from '@proctor/messaging';
import { FLEET_SERVICE } from './fleet.service-definition';

void runService(FLEET_SERVICE);
