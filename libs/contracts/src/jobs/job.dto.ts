import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsStringMap } from '../common/is-string-map';
import { PageRequest } from '../common/page';
import { JOB_STATUSES, JobStatus } from './jobs.messages';

export class CreateJobRequest {
  @ApiPropertyOptional({ example: 'proctor-runner:latest', description: 'container image; installation default when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  image?: string;

  @ApiPropertyOptional({ example: ['sh', '-c', 'make test'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  command?: string[];

  @ApiPropertyOptional({ example: 0, description: 'higher runs first; FIFO within a priority' })
  @IsOptional()
  @IsInt()
  @Min(-100)
  @Max(100)
  priority?: number;

  @ApiPropertyOptional({ example: { team: 'net' } })
  @IsOptional()
  @IsObject()
  @IsStringMap()
  labels?: Record<string, string>;
}

/** What the gateway sends the jobs service: the client's request and who submitted it. */
export class CreateJobMessage extends CreateJobRequest {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  submitted_by?: string;
}

export class ListJobsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}

/** The seed's fields (job_id, status, success, start_time, end_time) and Proctor's. */
export interface JobView {
  job_id: string;
  status: JobStatus;
  success: boolean | null;
  start_time: string | null;
  end_time: string | null;
  image: string | null;
  command: string[] | null;
  priority: number;
  labels: Record<string, string>;
  submitted_by: string | null;
  created_at: string;
}

export interface JobQueuedEvent {
  job_id: string;
  priority: number;
}
