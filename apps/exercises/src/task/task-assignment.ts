import { AgentCommand, TaskAssignment } from '@proctor/contracts';
import { Task } from './task.entity';
import { TestParameters } from './task.repository';

/**
 * What a daemon is told to run. A server gets its port and the test's parameters (it may size its
 * own timeout by them); a client also gets the server's address. The deadline is the end of the
 * task's slot: past it the task is no longer wanted.
 */
export function toTaskAssignment(task: Task, test: TestParameters | null, serverAddress: string | null): TaskAssignment {
  return {
    task_id: task.id,
    attempt: task.attempt,
    exercise_id: task.exercise_id,
    kind: task.kind,
    port: task.port,
    server_address: task.kind === 'iperf3_client' ? serverAddress : null,
    duration_seconds: test?.duration_seconds ?? null,
    protocol: test?.protocol ?? null,
    parallel: test?.parallel ?? null,
    bandwidth: test?.bandwidth ?? null,
    reverse: test?.reverse ?? false,
    deadline: (task.slot_end ?? new Date()).toISOString(),
  };
}

/** The command that delivers a task over the agent's queue: kill_all has its own, the rest run. */
export function toAgentCommand(task: Task, test: TestParameters | null, serverAddress: string | null): AgentCommand {
  if (task.kind === 'kill_all') return { command: 'kill_all', exercise_id: task.exercise_id };
  return { command: 'run', task: toTaskAssignment(task, test, serverAddress) };
}
