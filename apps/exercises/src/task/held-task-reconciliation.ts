import { HeldTask, ReconcileTasksView, TaskState } from '@proctor/contracts';
import { isActive } from './task-state';

/**
 * What an agent back from a reconnect keeps of the tasks it holds: a task it should still be
 * working on (ours, its own, at that attempt, not ended). Everything else it drops: a task we
 * do not know, another agent's, an older attempt, or one that has ended meanwhile (canceled,
 * timed out, failed while it was away).
 */
export function reconcileHeldTasks(
  agentId: string,
  held: HeldTask[],
  known: ReadonlyMap<string, { agent_id: string; attempt: number; state: TaskState }>,
): ReconcileTasksView {
  const view: ReconcileTasksView = { keep: [], drop: [] };
  for (const h of held) {
    const task = known.get(h.task_id);
    const keep = task !== undefined && task.agent_id === agentId && task.attempt === h.attempt && isActive(task.state);
    (keep ? view.keep : view.drop).push({ task_id: h.task_id, attempt: h.attempt });
  }
  return view;
}
