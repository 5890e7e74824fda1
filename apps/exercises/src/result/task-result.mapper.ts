import { TestResultView } from '@proctor/contracts';
import { ExerciseTest } from '../exercise/exercise-test.entity';
import { TaskResult } from './task-result.entity';

/** One test's figures; all unknown (null) while its client has not reported, or when its output could not be read. */
export function toTestResultView(test: ExerciseTest, clientTaskId: string, result: TaskResult | undefined): TestResultView {
  return {
    test_id: test.id,
    task_id: clientTaskId,
    protocol: result?.protocol ?? test.protocol,
    sent_bps: result?.sent_bps ?? null,
    received_bps: result?.received_bps ?? null,
    retransmits: result?.retransmits ?? null,
    jitter_ms: result?.jitter_ms ?? null,
    lost_percent: result?.lost_percent ?? null,
    intervals: result?.intervals ?? [],
  };
}
