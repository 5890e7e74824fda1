import { TaskReason, TaskState, TERMINAL_TASK_STATES } from '@proctor/contracts';

/** What the state machine needs of a task: where it is, and which steps it has been through. */
export interface TaskSnapshot {
  state: TaskState;
  attempt: number;
  accepted: boolean;
  started: boolean;
  reason: TaskReason | null;
}

/**
 * What can happen to a task. The three reports come from the daemon and carry the attempt they
 * belong to; the rest are the service's own decisions.
 */
export type TaskEvent =
  | { type: 'accept'; attempt: number }
  | { type: 'start'; attempt: number }
  | { type: 'finish'; attempt: number; success: boolean }
  | { type: 'cancel'; reason: 'canceled' | 'exercise_stopped' }
  | { type: 'time_out' }
  | { type: 'fail'; reason: TaskReason };

/** The state a task moves to, and what the row records on the way. */
export interface TaskChange {
  state: TaskState;
  reason: TaskReason | null;
  setAccepted: boolean;
  setStarted: boolean;
  setFinished: boolean;
}

export type TaskDecision =
  | { outcome: 'apply'; change: TaskChange }
  /** The same report again (a redelivery, a retried HTTP call): already applied, nothing changes. */
  | { outcome: 'duplicate' }
  | { outcome: 'conflict'; message: string }
  | { outcome: 'stale'; message: string };

const ACTIVE: readonly TaskState[] = ['pending', 'accepted', 'running'];

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_TASK_STATES.includes(state);
}

export function isActive(state: TaskState): boolean {
  return ACTIVE.includes(state);
}

/**
 * `reported` steps come from the daemon: a later one implies the earlier ones (a `started` that
 * overtakes its `accepted` still records the acceptance). The service's own endings (cancel,
 * time-out, fail) record only that the task finished.
 */
function change(state: TaskState, reason: TaskReason | null, task: TaskSnapshot, step: 'accept' | 'start' | 'reported_end' | 'end'): TaskChange {
  return {
    state,
    reason,
    setAccepted: step !== 'end' && !task.accepted,
    setStarted: step === 'start' && !task.started,
    setFinished: step === 'reported_end' || step === 'end',
  };
}

/**
 * pending → accepted → running → succeeded | failed | timed_out | canceled, decided without a
 * database so that every rule is a unit test. Reports of another attempt are stale; a report the
 * task has already been through is a duplicate (applied once); anything else that does not fit is
 * a conflict and changes nothing. Reports may overtake each other on the way (a `started` handled
 * before its `accepted`), so a step may skip the one before it, never go back.
 */
export function decideTaskTransition(task: TaskSnapshot, event: TaskEvent): TaskDecision {
  if ('attempt' in event && event.attempt !== task.attempt) {
    return { outcome: 'stale', message: `the report is for attempt ${event.attempt}, the task is at attempt ${task.attempt}` };
  }
  const refuse = (what: string): TaskDecision => ({ outcome: 'conflict', message: `a ${task.state} task cannot be ${what}` });
  switch (event.type) {
    case 'accept':
      if (task.state === 'pending') return { outcome: 'apply', change: change('accepted', null, task, 'accept') };
      return task.accepted ? { outcome: 'duplicate' } : refuse('accepted');
    case 'start':
      if (task.state === 'pending' || task.state === 'accepted') return { outcome: 'apply', change: change('running', null, task, 'start') };
      return task.started ? { outcome: 'duplicate' } : refuse('started');
    case 'finish': {
      const target: TaskState = event.success ? 'succeeded' : 'failed';
      if (isActive(task.state)) return { outcome: 'apply', change: change(target, event.success ? null : 'agent_reported_failure', task, 'reported_end') };
      const same = task.state === target && (event.success || task.reason === 'agent_reported_failure');
      return same ? { outcome: 'duplicate' } : refuse(event.success ? 'finished successfully' : 'finished as failed');
    }
    case 'cancel':
      if (isActive(task.state)) return { outcome: 'apply', change: change('canceled', event.reason, task, 'end') };
      return task.state === 'canceled' ? { outcome: 'duplicate' } : refuse('canceled');
    case 'time_out':
      if (task.state === 'running') return { outcome: 'apply', change: change('timed_out', 'timed_out', task, 'end') };
      return task.state === 'timed_out' ? { outcome: 'duplicate' } : refuse('timed out');
    case 'fail':
      if (isActive(task.state)) return { outcome: 'apply', change: change('failed', event.reason, task, 'end') };
      return task.state === 'failed' && task.reason === event.reason ? { outcome: 'duplicate' } : refuse(`failed (${event.reason})`);
  }
}
