import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceModule } from '../device/device.module';
import { DeviceHeartbeat } from './device-heartbeat.entity';
import { HeartbeatConsumer } from './heartbeat-consumer';
import { HeartbeatIngestService } from './heartbeat-ingest.service';
import { HeartbeatPruner } from './heartbeat-pruner';
import { HeartbeatMessageController } from './heartbeat.message-controller';
import { HeartbeatRepository } from './heartbeat.repository';
import { HeartbeatService } from './heartbeat.service';

@Module({
  imports: [TypeOrmModule.forFeature([DeviceHeartbeat]), DeviceModule],
  controllers: [HeartbeatMessageController],
  providers: [HeartbeatRepository, HeartbeatIngestService, HeartbeatConsumer, HeartbeatPruner, HeartbeatService],
})
export class HeartbeatModule {}
