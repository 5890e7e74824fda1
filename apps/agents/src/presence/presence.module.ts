import { DynamicModule, Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { OfflineMarker } from './offline-marker';
import { PRESENCE_SETTINGS } from './presence.constants';
import { PresenceMessageController } from './presence.message-controller';
import { PresenceService } from './presence.service';
import { PresenceSettings } from './presence-settings';
import { ReportSignOfLifeConsumer } from './report-sign-of-life.consumer';

/** Liveness of agents: registration, heartbeats, reports as signs of life, the offline marker. */
@Module({})
export class PresenceModule {
  static forRoot(settings: PresenceSettings): DynamicModule {
    return {
      module: PresenceModule,
      imports: [AgentModule],
      controllers: [PresenceMessageController],
      providers: [{ provide: PRESENCE_SETTINGS, useValue: settings }, PresenceService, OfflineMarker, ReportSignOfLifeConsumer],
    };
  }
}
