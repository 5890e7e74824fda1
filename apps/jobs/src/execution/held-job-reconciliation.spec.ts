import { heldJobsReconciliation } from './held-job-reconciliation';

describe('heldJobsReconciliation', () => {
  const active = [
    { id: 'j1', attempt: 1 },
    { id: 'j2', attempt: 3 },
  ];

  it('finds nothing to do when the daemon holds exactly what the rows say', () => {
    expect(heldJobsReconciliation(active, [{ job_id: 'j1', attempt: 1 }, { job_id: 'j2', attempt: 3 }])).toEqual({ lost: [], stale: [] });
  });

  it('calls lost what the agent should hold and its daemon does not', () => {
    expect(heldJobsReconciliation(active, [{ job_id: 'j1', attempt: 1 }]).lost).toEqual([{ id: 'j2', attempt: 3 }]);
    expect(heldJobsReconciliation(active, []).lost).toEqual(active);
  });

  it('calls stale a run the daemon holds that is not current: another attempt, or a job it does not hold', () => {
    const result = heldJobsReconciliation(active, [{ job_id: 'j1', attempt: 1 }, { job_id: 'j2', attempt: 2 }, { job_id: 'j9', attempt: 1 }]);
    expect(result.stale).toEqual([{ job_id: 'j2', attempt: 2 }, { job_id: 'j9', attempt: 1 }]);
    expect(result.lost).toEqual([{ id: 'j2', attempt: 3 }]);
  });
});
