import { TaskReason, TaskState } from '@proctor/contracts';
import { decideTaskTransition, isActive, isTerminal, TaskSnapshot } from './task-state';

function task(state: TaskState, extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
  const accepted = state !== 'pending';
  return { state, attempt: 1, accepted, started: state === 'running' || state === 'succeeded', reason: null, ...extra };
}

describe('decideTaskTransition', () => {
  it('walks the happy path pending → accepted → running → succeeded', () => {
    expect(decideTaskTransition(task('pending'), { type: 'accept', attempt: 1 })).toEqual({
      outcome: 'apply',
      change: { state: 'accepted', reason: null, setAccepted: true, setStarted: false, setFinished: false },
    });
    expect(decideTaskTransition(task('accepted'), { type: 'start', attempt: 1 })).toEqual({
      outcome: 'apply',
      change: { state: 'running', reason: null, setAccepted: false, setStarted: true, setFinished: false },
    });
    expect(decideTaskTransition(task('running'), { type: 'finish', attempt: 1, success: true })).toEqual({
      outcome: 'apply',
      change: { state: 'succeeded', reason: null, setAccepted: false, setStarted: false, setFinished: true },
    });
  });

  it('lets a started report that overtook its accepted record both', () => {
    expect(decideTaskTransition(task('pending'), { type: 'start', attempt: 1 })).toEqual({
      outcome: 'apply',
      change: { state: 'running', reason: null, setAccepted: true, setStarted: true, setFinished: false },
    });
  });

  it('fails a task whose daemon reports failure, with the reason agent_reported_failure', () => {
    const decision = decideTaskTransition(task('accepted'), { type: 'finish', attempt: 1, success: false });
    expect(decision).toMatchObject({ outcome: 'apply', change: { state: 'failed', reason: 'agent_reported_failure', setFinished: true } });
  });

  it('refuses a report of another attempt as stale, whatever the state', () => {
    for (const state of ['pending', 'running', 'succeeded'] as TaskState[]) {
      expect(decideTaskTransition(task(state, { attempt: 2 }), { type: 'accept', attempt: 1 }).outcome).toBe('stale');
      expect(decideTaskTransition(task(state, { attempt: 2 }), { type: 'finish', attempt: 3, success: true }).outcome).toBe('stale');
    }
  });

  it('treats a report already applied as a duplicate', () => {
    expect(decideTaskTransition(task('accepted'), { type: 'accept', attempt: 1 })).toEqual({ outcome: 'duplicate' });
    expect(decideTaskTransition(task('running'), { type: 'accept', attempt: 1 })).toEqual({ outcome: 'duplicate' });
    expect(decideTaskTransition(task('running'), { type: 'start', attempt: 1 })).toEqual({ outcome: 'duplicate' });
    expect(decideTaskTransition(task('succeeded'), { type: 'start', attempt: 1 })).toEqual({ outcome: 'duplicate' });
    expect(decideTaskTransition(task('succeeded'), { type: 'finish', attempt: 1, success: true })).toEqual({ outcome: 'duplicate' });
    const reportedFailure = task('failed', { reason: 'agent_reported_failure' });
    expect(decideTaskTransition(reportedFailure, { type: 'finish', attempt: 1, success: false })).toEqual({ outcome: 'duplicate' });
  });

  it('refuses what contradicts the state as a conflict', () => {
    const canceledBeforeAccept = task('canceled', { accepted: false, reason: 'canceled' });
    expect(decideTaskTransition(canceledBeforeAccept, { type: 'accept', attempt: 1 }).outcome).toBe('conflict');
    expect(decideTaskTransition(canceledBeforeAccept, { type: 'start', attempt: 1 }).outcome).toBe('conflict');
    expect(decideTaskTransition(task('succeeded'), { type: 'finish', attempt: 1, success: false }).outcome).toBe('conflict');
    expect(decideTaskTransition(task('timed_out', { reason: 'timed_out' }), { type: 'finish', attempt: 1, success: true }).outcome).toBe('conflict');
    expect(decideTaskTransition(task('failed', { reason: 'agent_offline' }), { type: 'finish', attempt: 1, success: false }).outcome).toBe('conflict');
    expect(decideTaskTransition(task('succeeded'), { type: 'cancel', reason: 'canceled' }).outcome).toBe('conflict');
    expect(decideTaskTransition(task('accepted'), { type: 'time_out' }).outcome).toBe('conflict');
  });

  it('cancels, times out and fails only active tasks, recording the reason and not an acceptance', () => {
    expect(decideTaskTransition(task('pending'), { type: 'cancel', reason: 'exercise_stopped' })).toEqual({
      outcome: 'apply',
      change: { state: 'canceled', reason: 'exercise_stopped', setAccepted: false, setStarted: false, setFinished: true },
    });
    expect(decideTaskTransition(task('running'), { type: 'time_out' })).toMatchObject({ outcome: 'apply', change: { state: 'timed_out', reason: 'timed_out' } });
    const reasons: TaskReason[] = ['agent_offline', 'server_not_listening', 'slot_conflict'];
    for (const reason of reasons) {
      expect(decideTaskTransition(task('pending'), { type: 'fail', reason })).toMatchObject({ outcome: 'apply', change: { state: 'failed', reason, setAccepted: false } });
    }
    expect(decideTaskTransition(task('canceled', { reason: 'canceled' }), { type: 'cancel', reason: 'canceled' })).toEqual({ outcome: 'duplicate' });
    expect(decideTaskTransition(task('failed', { reason: 'agent_offline' }), { type: 'fail', reason: 'agent_offline' })).toEqual({ outcome: 'duplicate' });
  });

  it('tells active from terminal states', () => {
    expect((['pending', 'accepted', 'running'] as TaskState[]).every(isActive)).toBe(true);
    expect((['succeeded', 'failed', 'timed_out', 'canceled'] as TaskState[]).every(isTerminal)).toBe(true);
    expect(isTerminal('running')).toBe(false);
  });
});
