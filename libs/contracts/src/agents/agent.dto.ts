import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageRequest } from '../common/page';
import { AGENT_STATUSES, AgentStatus } from './agents.messages';
import { IsStringMap } from '../common/is-string-map';

export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class CreateAgentRequest {
  @ApiProperty({ example: 'lab-agent-01', description: 'unique; letters, digits, ".", "_", "-"' })
  @IsString()
  @Length(1, 64)
  @Matches(AGENT_NAME_PATTERN, { message: 'name may hold only letters, digits, ".", "_" and "-"' })
  name: string;

  @ApiPropertyOptional({ example: { site: 'lab-a', rack: '3' } })
  @IsOptional()
  @IsObject()
  @IsStringMap()
  labels?: Record<string, string>;
}

export class ListAgentsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: AGENT_STATUSES })
  @IsOptional()
  @IsIn(AGENT_STATUSES)
  status?: AgentStatus;
}

export interface AgentView {
  id: string;
  name: string;
  status: AgentStatus;
  labels: Record<string, string>;
  capabilities: Record<string, unknown>;
  last_heartbeat: string | null;
  created_at: string;
  updated_at: string;
}

/** The answer to a create: the only time the agent key is shown. */
export interface CreatedAgentView extends AgentView {
  key: string;
}

/** `agents.agent.created`: validated by consumers at their edge like any request. */
export class AgentCreatedEvent {
  @IsUUID()
  agent_id: string;

  @IsString()
  @Length(1, 64)
  name: string;

  @IsObject()
  @IsStringMap()
  labels: Record<string, string>;
}

/** `agents.agent.deleted`. */
export class AgentDeletedEvent {
  @IsUUID()
  agent_id: string;

  @IsString()
  @Length(1, 64)
  name: string;
}
