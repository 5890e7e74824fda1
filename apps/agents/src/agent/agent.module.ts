import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentQueue } from './agent-queue';
import { Agent } from './agent.entity';
import { AgentMessageController } from './agent.message-controller';
import { AgentRepository } from './agent.repository';
import { AgentService } from './agent.service';

@Module({
  imports: [TypeOrmModule.forFeature([Agent])],
  controllers: [AgentMessageController],
  providers: [AgentRepository, AgentQueue, AgentService],
  exports: [AgentRepository, AgentQueue],
})
export class AgentModule {}
