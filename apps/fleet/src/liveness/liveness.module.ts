import { Module } from '@nestjs/common';
import { DeviceModule } from '../device/device.module';
import { OfflineSweeper } from './offline-sweeper';

@Module({
  imports: [DeviceModule],
  providers: [OfflineSweeper],
})
export class LivenessModule {}
