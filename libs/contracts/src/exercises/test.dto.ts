import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { TEST_PROTOCOLS, TestProtocol } from './exercises.messages';

/** One iperf3 measurement between two agents (seed 000's tests table). */
export class AddTestRequest {
  @ApiProperty({ description: 'the agent that runs `iperf3 -c`' })
  @IsUUID()
  client_agent_id: string;

  @ApiProperty({ description: 'the agent that runs `iperf3 -s -1` on a reserved port' })
  @IsUUID()
  server_agent_id: string;

  @ApiProperty({ example: 10 })
  @IsInt()
  @Min(1)
  @Max(3600)
  duration_seconds: number;

  @ApiProperty({ enum: TEST_PROTOCOLS })
  @IsIn(TEST_PROTOCOLS)
  protocol: TestProtocol;

  @ApiPropertyOptional({ example: 1, description: 'parallel streams (-P)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(128)
  parallel?: number;

  @ApiPropertyOptional({ example: '100M', description: 'target bandwidth (-b), for UDP' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,12}[KMG]?$/, { message: 'bandwidth must look like 500K, 100M or 1G' })
  bandwidth?: string;

  @ApiPropertyOptional({ description: 'server sends, client receives (-R)' })
  @IsOptional()
  @IsBoolean()
  reverse?: boolean;
}

export class AddTestMessage extends AddTestRequest {
  @IsUUID()
  exercise_id: string;
}

export interface TestView {
  id: string;
  exercise_id: string;
  client_agent_id: string;
  server_agent_id: string;
  duration_seconds: number;
  protocol: TestProtocol;
  parallel: number;
  bandwidth: string | null;
  reverse: boolean;
  /** Tests that share an agent run in different waves, never at the same time. */
  wave: number | null;
  planned_start: string | null;
  planned_end: string | null;
  created_at: string;
}
