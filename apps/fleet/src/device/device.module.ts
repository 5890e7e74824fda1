import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceEvent } from './device-event.entity';
import { DeviceEventRepository } from './device-event.repository';
import { DeviceListQuery } from './device-list.query';
import { Device } from './device.entity';
import { DeviceMessageController } from './device.message-controller';
import { DeviceRepository } from './device.repository';
import { DeviceService } from './device.service';

@Module({
  imports: [TypeOrmModule.forFeature([Device, DeviceEvent])],
  controllers: [DeviceMessageController],
  providers: [DeviceRepository, DeviceEventRepository, DeviceListQuery, DeviceService],
  exports: [DeviceRepository, DeviceEventRepository],
})
export class DeviceModule {}
