import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsStringMap } from '../common/is-string-map';
import { AGENT_OFFLINE_REASONS, AgentOfflineReason } from './agents.messages';

/** A capability with the time the daemon last checked it. */
export class VerifiedVersion {
  @IsString()
  @Length(1, 64)
  version: string;

  @IsISO8601()
  verified_at: string;
}

export class VerifiedFlag {
  @IsBoolean()
  available: boolean;

  @IsISO8601()
  verified_at: string;
}

/** Docker on the agent, and how many jobs it runs at once (its share of the machine). */
export class DockerCapability extends VerifiedFlag {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(256)
  max_jobs?: number;
}

export class NetworkInterface {
  @IsString()
  @Length(1, 64)
  name: string;

  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  addresses: string[];
}

export class VerifiedInterfaces {
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => NetworkInterface)
  items: NetworkInterface[];

  @IsISO8601()
  verified_at: string;
}

export class VerifiedPaths {
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  paths: string[];

  @IsISO8601()
  verified_at: string;
}

/** What an agent can do, as its daemon found it: iperf3, interfaces, storage paths, Docker. */
export class AgentCapabilities {
  @ApiPropertyOptional()
  @IsOptional()
  @ValidateNested()
  @Type(() => VerifiedVersion)
  iperf3?: VerifiedVersion;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateNested()
  @Type(() => VerifiedInterfaces)
  interfaces?: VerifiedInterfaces;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateNested()
  @Type(() => VerifiedPaths)
  storage_paths?: VerifiedPaths;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateNested()
  @Type(() => DockerCapability)
  docker?: DockerCapability;
}

/** A task the daemon holds, as it reports on reconnect. */
export class HeldTask {
  @IsUUID()
  task_id: string;

  @IsInt()
  @Min(1)
  attempt: number;
}

/** `POST /v1/agent/register` body. */
export class RegisterAgentRequest {
  @ApiPropertyOptional({ type: AgentCapabilities })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgentCapabilities)
  capabilities?: AgentCapabilities;

  @ApiPropertyOptional({ example: { site: 'lab-a' } })
  @IsOptional()
  @IsObject()
  @IsStringMap()
  labels?: Record<string, string>;

  @ApiPropertyOptional({ example: '0.1.0', description: 'the daemon version' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9._+-]+$/)
  version?: string;

  @ApiPropertyOptional({ type: [HeldTask], description: 'tasks the daemon still holds after a reconnect' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @ValidateNested({ each: true })
  @Type(() => HeldTask)
  held_tasks?: HeldTask[];
}

/** `POST /v1/agent/heartbeat` body; `disconnecting` says goodbye before a clean exit. */
export class AgentHeartbeatRequest {
  @ApiPropertyOptional({ type: AgentCapabilities })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgentCapabilities)
  capabilities?: AgentCapabilities;

  @ApiPropertyOptional({ enum: ['online', 'disconnecting'] })
  @IsOptional()
  @IsIn(['online', 'disconnecting'])
  status?: 'online' | 'disconnecting';
}

/** What the gateway sends the agents service: the authenticated agent and its request. */
export class RegisterAgentMessage extends RegisterAgentRequest {
  @IsUUID()
  agent_id: string;
}

export class AgentHeartbeatMessage extends AgentHeartbeatRequest {
  @IsUUID()
  agent_id: string;
}

/** The SHA-256 (hex) of a presented agent key: keys are random, so a fast hash is safe to look up by. */
export class AuthenticateAgentRequest {
  @IsString()
  @Length(1, 64)
  name: string;

  @IsString()
  @Matches(/^[0-9a-f]{64}$/)
  key_hash: string;
}

export interface AuthenticatedAgent {
  agent_id: string;
  name: string;
}

/** The answer to a registration: how to behave, where its work queue is, what to keep of what it holds. */
export interface AgentRegistrationView {
  agent_id: string;
  name: string;
  heartbeat_interval_seconds: number;
  offline_after_seconds: number;
  /** The agent's AMQP work queue (on the exchange `proctor.agents`, routing key = agent id). */
  queue: string;
  keep: HeldTask[];
  drop: HeldTask[];
}

export interface AgentHeartbeatView {
  status: 'ok';
  agent_id: string;
  server_time: string;
}

/** `agents.agent.online`: what consumers need to reach the agent (exercises: its addresses). */
export class AgentOnlineEvent {
  @IsUUID()
  agent_id: string;

  @IsString()
  @Length(1, 64)
  name: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AgentCapabilities)
  capabilities?: AgentCapabilities;

  /** See AgentOfflineEvent.presence_seq. */
  @IsOptional()
  @IsInt()
  @Min(0)
  presence_seq?: number;
}

/** `agents.agent.offline`: consumers (exercises) fail the agent's active work with this reason. */
export class AgentOfflineEvent {
  @IsUUID()
  agent_id: string;

  @IsString()
  @Length(1, 64)
  name: string;

  @IsIn(AGENT_OFFLINE_REASONS)
  reason: AgentOfflineReason;

  @IsOptional()
  @IsISO8601()
  last_heartbeat: string | null;

  /**
   * The agent's presence version: it grows with every presence change, so of two online/offline
   * events of one agent the one with the higher value is the newer, whatever order they are handled
   * in. Absent from events of an agents service older than this field.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  presence_seq?: number;
}
