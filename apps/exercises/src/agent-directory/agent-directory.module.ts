import { Module } from '@nestjs/common';
import { AgentDirectoryEventController } from './agent-directory.event-controller';
import { AgentDirectoryRepository } from './agent-directory.repository';
import { AgentDirectoryService } from './agent-directory.service';

@Module({
  controllers: [AgentDirectoryEventController],
  providers: [AgentDirectoryRepository, AgentDirectoryService],
  exports: [AgentDirectoryRepository],
})
export class AgentDirectoryModule {}
