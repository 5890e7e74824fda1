import type { JobLogChunk, JobStatus } from '@proctor/contracts';
import { eventIdOf } from './log-position';

/*
 * Server-sent events in the seed's format, `data: <json>\n\n` (a client of the seed reads the same
 * bytes), plus an `id:` line on log events for resuming by Last-Event-ID. JSON escapes line breaks,
 * so one event's data is always one line.
 */

export function logFrame(chunk: Pick<JobLogChunk, 'attempt' | 'seq' | 'data'>): string {
  return `id: ${eventIdOf(chunk)}\ndata: ${JSON.stringify({ type: 'log', data: chunk.data })}\n\n`;
}

export function jobIdFrame(jobId: string): string {
  return `data: ${JSON.stringify({ type: 'job_id', job_id: jobId })}\n\n`;
}

export function completeFrame(success: boolean, status: JobStatus): string {
  return `data: ${JSON.stringify({ type: 'complete', success, status })}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies from closing a quiet stream. */
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';
