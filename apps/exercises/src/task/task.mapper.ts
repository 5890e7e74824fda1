import { TaskView } from '@proctor/contracts';
import { Task } from './task.entity';

export function toTaskView(task: Task): TaskView {
  return {
    id: task.id,
    exercise_id: task.exercise_id,
    test_id: task.test_id,
    agent_id: task.agent_id,
    kind: task.kind,
    state: task.state,
    attempt: task.attempt,
    port: task.port,
    reason: task.reason,
    error: task.error,
    slot_start: task.slot_start?.toISOString() ?? null,
    slot_end: task.slot_end?.toISOString() ?? null,
    created_at: task.created_at.toISOString(),
    accepted_at: task.accepted_at?.toISOString() ?? null,
    started_at: task.started_at?.toISOString() ?? null,
    finished_at: task.finished_at?.toISOString() ?? null,
  };
}
