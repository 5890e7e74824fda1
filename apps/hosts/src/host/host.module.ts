import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Host } from './host.entity';
import { HostMessageController } from './host.message-controller';
import { HostRepository } from './host.repository';
import { HostService } from './host.service';

@Module({
  imports: [TypeOrmModule.forFeature([Host])],
  controllers: [HostMessageController],
  providers: [HostRepository, HostService],
})
export class HostModule {}
