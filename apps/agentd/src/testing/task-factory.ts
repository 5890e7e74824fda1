import { TaskAssignment } from '@proctor/contracts';
import { randomUUID } from 'node:crypto';

/** A server task as the exercises dispatcher sends it: `iperf3 -s -1` on a reserved port. */
export function serverTask(port: number, change: Partial<TaskAssignment> = {}): TaskAssignment {
  return {
    task_id: randomUUID(),
    attempt: 1,
    exercise_id: randomUUID(),
    kind: 'iperf3_server',
    port,
    server_address: null,
    duration_seconds: null,
    protocol: null,
    parallel: null,
    bandwidth: null,
    reverse: false,
    deadline: new Date(Date.now() + 120_000).toISOString(),
    ...change,
  };
}

/** A client task against a server task's agent and port. */
export function clientTask(port: number, change: Partial<TaskAssignment> = {}): TaskAssignment {
  return serverTask(port, {
    kind: 'iperf3_client',
    server_address: '127.0.0.1',
    duration_seconds: 1,
    protocol: 'tcp',
    ...change,
  });
}
