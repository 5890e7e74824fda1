import { moreToDelete, RETENTION_BATCH_ROWS, RETENTION_BATCHES_PER_PASS, retentionCutoff } from './heartbeat-retention';

describe('heartbeat retention', () => {
  it('keeps the given number of days', () => {
    expect(retentionCutoff(new Date('2026-11-23T10:00:00.000Z'), 7)).toEqual(new Date('2026-11-16T10:00:00.000Z'));
  });

  it('goes on while statements delete full batches, up to the statements a pass may run', () => {
    expect(moreToDelete(RETENTION_BATCH_ROWS, 1)).toBe(true);
    expect(moreToDelete(RETENTION_BATCH_ROWS - 1, 1)).toBe(false);
    expect(moreToDelete(RETENTION_BATCH_ROWS, RETENTION_BATCHES_PER_PASS)).toBe(false);
  });
});
