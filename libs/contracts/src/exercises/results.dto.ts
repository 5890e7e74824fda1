import { TestProtocol } from './exercises.messages';

export interface IntervalPoint {
  start_seconds: number;
  end_seconds: number;
  bits_per_second: number;
}

/** iperf3's JSON, parsed: what a test measured. */
export interface TestResultView {
  test_id: string;
  task_id: string;
  protocol: TestProtocol;
  sent_bps: number | null;
  received_bps: number | null;
  retransmits: number | null;
  jitter_ms: number | null;
  lost_percent: number | null;
  intervals: IntervalPoint[];
}

export interface ExerciseResultsView {
  exercise_id: string;
  results: TestResultView[];
}
