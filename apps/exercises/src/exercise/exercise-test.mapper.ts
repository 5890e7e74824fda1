import { TestView } from '@proctor/contracts';
import { ExerciseTest } from './exercise-test.entity';

export function toTestView(test: ExerciseTest): TestView {
  return {
    id: test.id,
    exercise_id: test.exercise_id,
    client_agent_id: test.client_agent_id,
    server_agent_id: test.server_agent_id,
    duration_seconds: test.duration_seconds,
    protocol: test.protocol,
    parallel: test.parallel,
    bandwidth: test.bandwidth,
    reverse: test.reverse,
    wave: test.wave,
    planned_start: test.planned_start?.toISOString() ?? null,
    planned_end: test.planned_end?.toISOString() ?? null,
    created_at: test.created_at.toISOString(),
  };
}
