import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceModule } from '../device/device.module';
import { RolloutModule } from '../rollout/rollout.module';
import { DeviceUpdate } from './device-update.entity';
import { DeviceUpdateMessageController } from './device-update.message-controller';
import { DeviceUpdateRepository } from './device-update.repository';
import { DeviceUpdateService } from './device-update.service';

@Module({
  imports: [TypeOrmModule.forFeature([DeviceUpdate]), DeviceModule, RolloutModule],
  controllers: [DeviceUpdateMessageController],
  providers: [DeviceUpdateRepository, DeviceUpdateService],
})
export class DeviceUpdateModule {}
