/** Rows one retention statement deletes at most: short statements, short locks, off the hot path. */
export const RETENTION_BATCH_ROWS = 5000;
/** Statements one pass runs at most; what is left waits for the next pass. */
export const RETENTION_BATCHES_PER_PASS = 20;

/** Heartbeats received before this are past retention. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
}

/** Whether a pass goes on after a statement: it deleted a full batch, so more may be due. */
export function moreToDelete(deleted: number, batchesRun: number): boolean {
  return deleted >= RETENTION_BATCH_ROWS && batchesRun < RETENTION_BATCHES_PER_PASS;
}
