import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceModule } from '../device/device.module';
import { RolloutDevice } from './rollout-device.entity';
import { RolloutMonitor } from './rollout-monitor';
import { Rollout } from './rollout.entity';
import { RolloutMessageController } from './rollout.message-controller';
import { RolloutRepository } from './rollout.repository';
import { RolloutService } from './rollout.service';

@Module({
  imports: [TypeOrmModule.forFeature([Rollout, RolloutDevice]), DeviceModule],
  controllers: [RolloutMessageController],
  providers: [RolloutRepository, RolloutService, RolloutMonitor],
  exports: [RolloutService],
})
export class RolloutModule {}
