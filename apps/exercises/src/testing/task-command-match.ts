import { AgentCommand } from '@proctor/contracts';

/** Matches a `run` command of this kind (and task), for SimulatedAgent.next in the integration tests. */
export function isRun(kind: 'iperf3_server' | 'iperf3_client', taskId?: string): (c: AgentCommand) => boolean {
  return (c) => c.command === 'run' && c.task.kind === kind && (taskId === undefined || c.task.task_id === taskId);
}
