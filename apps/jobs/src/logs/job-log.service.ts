import { Injectable } from '@nestjs/common';
import { JobErrorCode, JobLogsRequest, JobLogsView, ProctorError } from '@proctor/contracts';
import { BatchItem, BatchRejection } from '@proctor/messaging';
import { DEFAULT_LOG_PAGE, logCursor, toJobLogsView } from './job-log-page';
import { JobLogChunkMessage } from './job-log-chunk.message';
import { storableLogText } from './job-log-text';
import { JobLogRepository } from './job-log.repository';

/** A job's output: stored as daemons publish it, read back in order by whoever replays it. */
@Injectable()
export class JobLogService {
  constructor(private readonly logs: JobLogRepository) {}

  /** Stores one batch of chunks; those of jobs that do not exist are refused (dead-lettered with why). */
  async store(items: BatchItem<JobLogChunkMessage>[]): Promise<{ rejected: BatchRejection[] }> {
    const missing = await this.logs.insertChunks(items.map(({ payload }) => ({ ...payload, data: storableLogText(payload.data) })));
    const rejected = items.filter(({ payload }) => missing.has(payload.job_id)).map(({ messageId, payload }) => ({ messageId, reason: `no job with id ${payload.job_id}` }));
    return { rejected };
  }

  async read(request: JobLogsRequest): Promise<JobLogsView> {
    const job = await this.logs.progressOf(request.id);
    if (!job) throw new ProctorError(JobErrorCode.NotFound, `no job with id ${request.id}`, { id: request.id });
    const limit = request.limit ?? DEFAULT_LOG_PAGE;
    return toJobLogsView(request.id, job, await this.logs.page(request.id, logCursor(request), limit), limit);
  }
}
