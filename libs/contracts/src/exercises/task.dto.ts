import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { PageRequest } from '../common/page';
import { HeldTask } from '../agents/agent-protocol.dto';
import { TASK_KINDS, TASK_STATES, TaskKind, TaskReason, TaskState, TestProtocol } from './exercises.messages';

export class ListTasksRequest extends PageRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  exercise_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  agent_id?: string;

  @ApiPropertyOptional({ enum: TASK_STATES })
  @IsOptional()
  @IsIn(TASK_STATES)
  state?: TaskState;

  @ApiPropertyOptional({ enum: TASK_KINDS })
  @IsOptional()
  @IsIn(TASK_KINDS)
  kind?: TaskKind;
}

export interface TaskView {
  id: string;
  exercise_id: string;
  test_id: string | null;
  agent_id: string;
  kind: TaskKind;
  state: TaskState;
  attempt: number;
  port: number | null;
  reason: TaskReason | null;
  error: string | null;
  /** The slot the scheduler gave it: tasks on one agent never overlap. */
  slot_start: string | null;
  slot_end: string | null;
  created_at: string;
  accepted_at: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** What a daemon is told to run (`proctor.agents`, or the answer to an HTTP claim). */
export interface TaskAssignment {
  task_id: string;
  attempt: number;
  exercise_id: string;
  kind: TaskKind;
  port: number | null;
  /** For a client: the server agent's address to connect to. */
  server_address: string | null;
  duration_seconds: number | null;
  protocol: TestProtocol | null;
  parallel: number | null;
  bandwidth: string | null;
  reverse: boolean;
  /** After this the server gives up on the task (timed_out). */
  deadline: string;
}

/** A command on an agent's queue. */
export type AgentCommand =
  | { command: 'run'; task: TaskAssignment }
  | { command: 'cancel'; task_id: string; attempt: number }
  | { command: 'kill_all'; exercise_id: string };

export class ClaimTaskMessage {
  @IsUUID()
  agent_id: string;
}

export interface ClaimTaskView {
  task: TaskAssignment | null;
}

/**
 * `task.accepted` / `task.started` (over AMQP), or `POST /v1/agent/tasks/{id}/started` (HTTP; a
 * claim is the acceptance there). For a server task, started means it is listening.
 */
export class TaskStartedMessage {
  @IsUUID()
  task_id: string;

  @IsUUID()
  agent_id: string;

  @IsInt()
  @Min(1)
  attempt: number;
}

/** `task.finished`, or `POST /v1/agent/tasks/{id}/result`. */
export class TaskResultMessage {
  @IsUUID()
  task_id: string;

  @IsUUID()
  agent_id: string;

  @IsInt()
  @Min(1)
  attempt: number;

  @IsBoolean()
  success: boolean;

  /** iperf3's `--json` output, for a client task. */
  @IsOptional()
  @IsObject()
  output?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @Length(1, 8000)
  error?: string;
}

/** The HTTP bodies of the two reports: the task id comes from the path, the agent from its credentials. */
export class TaskStartedRequest {
  @IsInt()
  @Min(1)
  attempt: number;
}

export class TaskResultRequest {
  @IsInt()
  @Min(1)
  attempt: number;

  @IsBoolean()
  success: boolean;

  @IsOptional()
  @IsObject()
  output?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @Length(1, 8000)
  error?: string;
}

export class ReconcileTasksMessage {
  @IsUUID()
  agent_id: string;

  @IsArray()
  @ArrayMaxSize(256)
  @ValidateNested({ each: true })
  @Type(() => HeldTask)
  held_tasks: HeldTask[];
}

export interface ReconcileTasksView {
  keep: { task_id: string; attempt: number }[];
  drop: { task_id: string; attempt: number }[];
}

export class ListReservationsRequest extends PageRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  agent_id?: string;
}

export interface PortReservationView {
  id: string;
  agent_id: string;
  port: number;
  task_id: string;
  reserved_at: string;
}
