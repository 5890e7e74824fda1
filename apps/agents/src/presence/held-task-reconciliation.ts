import { CommonErrorCode, HeldTask, ProctorError, ReconcileTasksView } from '@proctor/contracts';

export type ReconcileCall = (held: HeldTask[]) => Promise<ReconcileTasksView>;

export interface Reconciliation {
  keep: HeldTask[];
  drop: HeldTask[];
  /** Why the exercises service's answer was not used (it did not answer): everything held is kept. */
  fallback?: string;
}

/**
 * What a registering daemon keeps of the tasks it holds, as the exercises service decides. Nothing
 * held: no call. The exercises service does not answer (or fails): keep everything held, so that a
 * transient outage kills no running iperf3; a task kept wrongly is refused later by its stale
 * attempt, while one dropped wrongly would be lost.
 */
export async function reconcileHeldTasks(held: HeldTask[], call: ReconcileCall): Promise<Reconciliation> {
  if (held.length === 0) return { keep: [], drop: [] };
  try {
    const answer = await call(held);
    return { keep: answer.keep, drop: answer.drop };
  } catch (e) {
    const code = e instanceof ProctorError ? e.code : CommonErrorCode.Internal;
    return { keep: held.map((t) => ({ task_id: t.task_id, attempt: t.attempt })), drop: [], fallback: code };
  }
}
