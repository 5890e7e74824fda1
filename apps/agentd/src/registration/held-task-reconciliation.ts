import { HeldTask } from '@proctor/contracts';

export interface Reconciliation {
  keep: HeldTask[];
  /** What to kill without a report: the server has already given up on these. */
  kill: HeldTask[];
}

/**
 * Applies a registration's keep/drop answer to the tasks the daemon holds. A held task is kept only
 * when the server lists it in `keep` with the same attempt; everything else is killed, including
 * tasks the server names in neither list: an iperf3 nobody waits for would only hold a port and a
 * slot that the scheduler believes free.
 */
export function reconcileHeldTasks(held: HeldTask[], answer: { keep: HeldTask[]; drop: HeldTask[] }): Reconciliation {
  const kept = new Set(answer.keep.map(key));
  const result: Reconciliation = { keep: [], kill: [] };
  for (const task of held) (kept.has(key(task)) ? result.keep : result.kill).push(task);
  return result;
}

function key(task: HeldTask): string {
  return `${task.task_id}#${task.attempt}`;
}
