import type { JobFinishedEvent, JobLogMessage } from '@proctor/contracts';
import { logFrame } from './sse-frames';

/** A chunk as it came live, with its SSE frame serialized once for every stream of the job. */
export class LiveChunk {
  private serialized?: string;

  constructor(readonly chunk: JobLogMessage) {}

  get frame(): string {
    return (this.serialized ??= logFrame(this.chunk));
  }
}

const isIntFrom = (min: number) => (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isPositiveInt = isIntFrom(1);
const isCount = isIntFrom(0);

/** A log chunk from `proctor.logs`, or null when the payload is not one (it is then dropped). */
export function readLogMessage(payload: unknown): JobLogMessage | null {
  const m = payload as Partial<JobLogMessage> | null;
  if (typeof m !== 'object' || m === null) return null;
  if (typeof m.job_id !== 'string' || !isPositiveInt(m.attempt) || !isPositiveInt(m.seq) || typeof m.data !== 'string') return null;
  return { job_id: m.job_id, attempt: m.attempt, seq: m.seq, data: m.data, at: typeof m.at === 'string' ? m.at : '' };
}

/** `jobs.job.finished` from `proctor.events`, or null when the payload is not one. */
export function readFinishedEvent(payload: unknown): JobFinishedEvent | null {
  const e = payload as Partial<JobFinishedEvent> | null;
  if (typeof e !== 'object' || e === null) return null;
  if (typeof e.job_id !== 'string' || typeof e.status !== 'string' || typeof e.success !== 'boolean') return null;
  // Attempt 0: canceled before any agent was offered it.
  if (!isCount(e.attempt) || !isCount(e.last_seq)) return null;
  return e as JobFinishedEvent;
}
