import type { JobStatus } from '@proctor/contracts';
import { comparePositions, LogPosition, LOG_START, StreamStart } from './log-position';

/**
 * What to do with a chunk that arrived live: send it (the next one), skip it (already sent), or
 * first fill from the stored log up to the chunk before it (a gap: one missed live, or a replay
 * that has not reached it yet).
 */
export type LiveDecision = { action: 'send' } | { action: 'skip' } | { action: 'fill'; until: LogPosition };

/** How the job ended: the last chunk of its last run, and what the complete event says. */
export interface StreamEnding {
  last: LogPosition;
  success: boolean;
  status: JobStatus;
}

/**
 * The position of one SSE stream in a job's output, as a pure state machine: it sends every chunk
 * once, in order, with no gap, and knows when the stream is complete. Live chunks and stored ones
 * (replay, gap fills) both go through it; whatever the order they come in, none is sent twice.
 */
export class LogStreamCursor {
  private last: LogPosition | null;
  private end: StreamEnding | null = null;

  /** `now`: nothing sent yet and no place to start from; the first live chunk sets the place. */
  constructor(start: StreamStart) {
    this.last = start.from === 'beginning' ? LOG_START : start.from === 'after' ? start.position : null;
  }

  /** The last chunk sent (or the start), null while following from now with nothing sent yet. */
  get position(): LogPosition | null {
    return this.last;
  }

  get ending(): StreamEnding | null {
    return this.end;
  }

  decide(chunk: LogPosition): LiveDecision {
    const last = this.last;
    if (last === null) return { action: 'send' };
    if (comparePositions(chunk, last) <= 0) return { action: 'skip' };
    if (chunk.attempt === last.attempt && chunk.seq === last.seq + 1) return { action: 'send' };
    return { action: 'fill', until: { attempt: chunk.attempt, seq: chunk.seq - 1 } };
  }

  /** Whether a stored chunk (they come in order) is one this stream has not sent. */
  isNew(chunk: LogPosition): boolean {
    return this.last === null || comparePositions(chunk, this.last) > 0;
  }

  /**
   * Whether a new chunk comes right after the last one sent: the next of its attempt, or the first
   * of a later attempt (the store gives an earlier attempt's chunks before it, when it has them).
   * The store may lack one for a moment (stored in batches): a chunk that does not follow waits.
   */
  follows(chunk: LogPosition): boolean {
    const last = this.last;
    if (last === null) return true;
    if (chunk.attempt === last.attempt) return chunk.seq === last.seq + 1;
    return chunk.attempt > last.attempt && chunk.seq === 1;
  }

  sent(chunk: LogPosition): void {
    this.last = { attempt: chunk.attempt, seq: chunk.seq };
  }

  /**
   * Whether the stream has everything up to `goal`, once the store has nothing more after the
   * cursor. A goal of seq 0 (the start of an attempt, or a last run that printed nothing) is then
   * met: what came before it is all sent.
   */
  covers(goal: LogPosition): boolean {
    return goal.seq === 0 || (this.last !== null && comparePositions(this.last, goal) >= 0);
  }

  /** The job finished; the first word of it counts (the event and the stored log agree). */
  finish(ending: StreamEnding): void {
    this.end ??= { ...ending, last: { ...ending.last } };
  }

  /**
   * Finished, and every chunk up to the last one sent. A stream following from now that has sent
   * nothing is complete at once: what the run printed after it started came live before the end.
   */
  isComplete(): boolean {
    if (this.end === null) return false;
    return this.last === null || comparePositions(this.last, this.end.last) >= 0;
  }
}
