export enum ExercisesRpc {
  Create = 'exercises.create',
  List = 'exercises.list',
  Get = 'exercises.get',
  AddTest = 'exercises.tests.add',
  Start = 'exercises.start',
  Stop = 'exercises.stop',
  Results = 'exercises.results',
}

export enum TasksRpc {
  List = 'exercises.tasks.list',
  Get = 'exercises.tasks.get',
  Cancel = 'exercises.tasks.cancel',
  /** The HTTP claim protocol, for daemons that cannot reach the broker. */
  Claim = 'exercises.tasks.claim',
  Accepted = 'exercises.tasks.accepted',
  Started = 'exercises.tasks.started',
  Result = 'exercises.tasks.result',
  /** An agent back from a reconnect lists what it holds; the answer says what to keep and drop. */
  Reconcile = 'exercises.tasks.reconcile',
}

export enum PortsRpc {
  ListReservations = 'exercises.ports.list',
}

/** What daemons report over `proctor.reports` (the same payloads as the HTTP protocol). */
export enum TaskReport {
  /** The daemon took the task off its queue (and acked it): from now on it is tracked by reports. */
  Accepted = 'task.accepted',
  Started = 'task.started',
  Finished = 'task.finished',
}

export enum ExercisesEvent {
  Created = 'exercises.exercise.created',
  Started = 'exercises.exercise.started',
  Ended = 'exercises.exercise.ended',
}

export enum ExerciseErrorCode {
  NotFound = 'exercise_not_found',
  StateConflict = 'exercise_state_conflict',
  UnknownAgent = 'unknown_agent',
  TaskNotFound = 'task_not_found',
  TaskStateConflict = 'task_state_conflict',
  TaskAttemptStale = 'task_attempt_stale',
  PortConflict = 'port_conflict',
}

export const EXERCISE_STATUSES = ['draft', 'running', 'ended'] as const;
export type ExerciseStatus = (typeof EXERCISE_STATUSES)[number];
export const EXERCISE_END_REASONS = ['completed', 'stopped'] as const;
export type ExerciseEndReason = (typeof EXERCISE_END_REASONS)[number];

export const TEST_PROTOCOLS = ['tcp', 'udp'] as const;
export type TestProtocol = (typeof TEST_PROTOCOLS)[number];

export const TASK_KINDS = ['iperf3_server', 'iperf3_client', 'kill_all'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** pending → accepted → running → succeeded / failed / timed_out / canceled (seed 000). */
export const TASK_STATES = ['pending', 'accepted', 'running', 'succeeded', 'failed', 'timed_out', 'canceled'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TERMINAL_TASK_STATES: readonly TaskState[] = ['succeeded', 'failed', 'timed_out', 'canceled'];

/** Why a task ended other than by succeeding: never silently. */
export const TASK_REASONS = [
  'agent_offline',
  'slot_conflict',
  'port_busy',
  'server_not_listening',
  'timed_out',
  'canceled',
  'exercise_stopped',
  'agent_reported_failure',
  'agent_lost_task',
] as const;
export type TaskReason = (typeof TASK_REASONS)[number];
