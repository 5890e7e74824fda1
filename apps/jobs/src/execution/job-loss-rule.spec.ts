import { lostJobVerdict } from './job-loss-rule';

describe('lostJobVerdict', () => {
  const running = { status: 'running' as const, attempt: 1, retries: 0, cancel_requested_at: null, reason: null };

  it('queues a run again while its attempt is within its retries', () => {
    expect(lostJobVerdict({ ...running, attempt: 1, retries: 1 }, 'lab-1')).toEqual({ action: 'requeue' });
    expect(lostJobVerdict({ ...running, attempt: 2, retries: 2 }, 'lab-1')).toEqual({ action: 'requeue' });
  });

  it('fails a run out of retries, naming the agent that was lost', () => {
    expect(lostJobVerdict(running, 'lab-1')).toEqual({
      action: 'end',
      ending: { status: 'failed', success: false, reason: 'agent lab-1 was lost while running the job', exit_code: null, last_seq: null, stopped: null },
    });
    expect(lostJobVerdict({ ...running, attempt: 3, retries: 2 }, 'lab-1')).toMatchObject({ action: 'end', ending: { status: 'failed' } });
  });

  it('queues again an offer that was never claimed, whatever its retries', () => {
    expect(lostJobVerdict({ ...running, status: 'assigned', attempt: 4, retries: 0 }, 'lab-1')).toEqual({ action: 'requeue' });
  });

  it('cancels a job whose cancel was asked for, rather than run it again', () => {
    const canceling = { ...running, retries: 3, cancel_requested_at: new Date(), reason: 'canceled by admin while it ran' };
    expect(lostJobVerdict(canceling, 'lab-1')).toMatchObject({ action: 'end', ending: { status: 'canceled', reason: 'canceled by admin while it ran' } });
    expect(lostJobVerdict({ ...canceling, reason: null }, 'lab-1')).toMatchObject({
      action: 'end',
      ending: { status: 'canceled', reason: 'canceled; agent lab-1 was lost while stopping the job' },
    });
  });
});
