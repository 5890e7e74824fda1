import { AgentCommand, JobCommand, TASK_KINDS, TaskAssignment, TaskKind } from '@proctor/contracts';

/** What arrives on the agent's queue: exercise task commands and CI job commands. */
export type DaemonCommand = AgentCommand | JobCommand;

export type ParsedCommand = { ok: true; command: DaemonCommand } | { ok: false; error: string };

type Fields = Record<string, unknown>;

/**
 * A DaemonCommand from a message body, checked field by field: what the daemon acts on (a process
 * to start or kill) must be what the contract says, and a malformed command is dead-lettered with
 * the reason rather than half-run. Whether an iperf3 task makes sense is iperf3Argv's business.
 */
export function parseAgentCommand(body: Buffer): ParsedCommand {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, error: 'the body is not JSON' };
  }
  if (!isObject(value)) return { ok: false, error: 'the body is not a JSON object' };
  try {
    switch (value.command) {
      case 'run':
        if (!isObject(value.task)) throw new Error('task must be an object');
        return { ok: true, command: { command: 'run', task: parseTaskAssignment(value.task) } };
      case 'cancel':
        return { ok: true, command: { command: 'cancel', task_id: id(value, 'task_id'), attempt: attempt(value) } };
      case 'kill_all':
        return { ok: true, command: { command: 'kill_all', exercise_id: id(value, 'exercise_id') } };
      case 'run_job':
      case 'cancel_job':
        return { ok: true, command: { command: value.command, job_id: id(value, 'job_id'), attempt: attempt(value) } };
      default:
        return { ok: false, error: `unknown command ${JSON.stringify(value.command)}` };
    }
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** A TaskAssignment as sent on the queue or answered to an HTTP claim; throws naming the bad field. */
export function parseTaskAssignment(task: Fields): TaskAssignment {
  if (!TASK_KINDS.includes(task.kind as TaskKind)) throw new Error(`task.kind must be one of ${TASK_KINDS.join(', ')}`);
  const protocol = nullable(task, 'protocol', (v) => v === 'tcp' || v === 'udp');
  if (typeof task.deadline !== 'string') throw new Error('task.deadline must be a string');
  if (task.reverse !== undefined && typeof task.reverse !== 'boolean') throw new Error('task.reverse must be a boolean');
  return {
    task_id: id(task, 'task_id'),
    attempt: attempt(task),
    exercise_id: id(task, 'exercise_id'),
    kind: task.kind as TaskKind,
    port: nullable(task, 'port', Number.isInteger) as number | null,
    server_address: nullable(task, 'server_address', (v) => typeof v === 'string') as string | null,
    duration_seconds: nullable(task, 'duration_seconds', Number.isInteger) as number | null,
    protocol: protocol as 'tcp' | 'udp' | null,
    parallel: nullable(task, 'parallel', Number.isInteger) as number | null,
    bandwidth: nullable(task, 'bandwidth', (v) => typeof v === 'string') as string | null,
    reverse: task.reverse === true,
    deadline: task.deadline,
  };
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function id(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || !/^[0-9a-fA-F-]{36}$/.test(value)) throw new Error(`${name} must be a UUID`);
  return value;
}

function attempt(fields: Fields): number {
  const value = fields.attempt;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error('attempt must be a whole number from 1');
  return value;
}

/** An optional field: absent or null is null, anything else must pass `valid`. */
function nullable(fields: Fields, name: string, valid: (value: unknown) => boolean): unknown {
  const value = fields[name];
  if (value === undefined || value === null) return null;
  if (!valid(value)) throw new Error(`task.${name} has a bad value: ${JSON.stringify(value)}`);
  return value;
}
