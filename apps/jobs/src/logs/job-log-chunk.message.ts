import { JobLogMessage } from '@proctor/contracts';
import { IsInt, IsISO8601, IsString, IsUUID, MaxLength, Min } from 'class-validator';

/** Most a chunk may carry; daemons batch well below it. */
export const MAX_CHUNK_CHARS = 1024 * 1024;

/** A JobLogMessage as validated at the edge, before it is stored. */
export class JobLogChunkMessage implements JobLogMessage {
  @IsUUID()
  job_id: string;

  @IsInt()
  @Min(1)
  attempt: number;

  @IsInt()
  @Min(1)
  seq: number;

  @IsString()
  @MaxLength(MAX_CHUNK_CHARS)
  data: string;

  @IsISO8601()
  at: string;
}
