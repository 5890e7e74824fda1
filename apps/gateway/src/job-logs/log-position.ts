import { CommonErrorCode, ProctorError } from '@proctor/contracts';

/** Where a chunk stands in a job's output: by attempt, then by seq (1, 2, 3... within an attempt). */
export interface LogPosition {
  attempt: number;
  seq: number;
}

/** Just before the first chunk (attempts count from 1): chunk 1-1 is the next one, as `jobs.logs` reads it too. */
export const LOG_START: LogPosition = Object.freeze({ attempt: 1, seq: 0 });

export function comparePositions(a: LogPosition, b: LogPosition): number {
  return a.attempt !== b.attempt ? a.attempt - b.attempt : a.seq - b.seq;
}

/** The SSE event id of a chunk: `<attempt>-<seq>`, what a client sends back as `Last-Event-ID`. */
export function eventIdOf(position: LogPosition): string {
  return `${position.attempt}-${position.seq}`;
}

const EVENT_ID = /^(\d{1,9})-(\d{1,12})$/;

/** Reads `Last-Event-ID`: undefined when absent or empty, 400 when it is not an id this gateway gave. */
export function parseLastEventId(header: string | string[] | undefined): LogPosition | undefined {
  if (header === undefined || header === '') return undefined;
  const match = typeof header === 'string' ? EVENT_ID.exec(header.trim()) : null;
  const attempt = Number(match?.[1]);
  if (!match || attempt < 1) {
    throw new ProctorError(CommonErrorCode.ValidationFailed, 'Last-Event-ID is not the id of a log event', {
      fields: { 'Last-Event-ID': ['Last-Event-ID must be <attempt>-<seq>, as sent in the id line of a log event'] },
    });
  }
  return { attempt, seq: Number(match[2]) };
}

/** Where a stream starts: from the first chunk, after a given one, or with what comes from now on. */
export type StreamStart = { from: 'beginning' } | { from: 'after'; position: LogPosition } | { from: 'now' };

/**
 * `?from_beginning=` (the seed's flag, false by default) and `Last-Event-ID` (a reconnecting client,
 * which wins: it resumes right after what it last got).
 */
export function streamStart(fromBeginning: string | undefined, lastEventId: string | string[] | undefined): StreamStart {
  const resumeAfter = parseLastEventId(lastEventId);
  const replay = parseFlag(fromBeginning);
  if (resumeAfter) return { from: 'after', position: resumeAfter };
  return replay ? { from: 'beginning' } : { from: 'now' };
}

function parseFlag(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ProctorError(CommonErrorCode.ValidationFailed, 'from_beginning must be true or false', {
    fields: { from_beginning: ['from_beginning must be true or false'] },
  });
}
