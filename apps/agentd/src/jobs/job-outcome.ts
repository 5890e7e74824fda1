import { JobOutcome, JobStopped } from '@proctor/contracts';

/** Why agentd stopped a job's container before it ended by itself. */
export type JobStopReason = 'timeout' | 'cancel' | 'drain';

/** How the container ended, as `docker inspect` tells it. */
export interface ContainerExit {
  exitCode: number;
  oomKilled: boolean;
}

/** The finished report's verdict on a run. */
export interface JobVerdict {
  outcome: JobOutcome;
  exit_code: number | null;
  reason?: string;
  oom_killed?: boolean;
  stopped?: JobStopped;
}

export interface VerdictInput {
  exit: ContainerExit;
  stop?: { reason: JobStopReason; signal: JobStopped['signal']; container: string };
  timeoutSeconds: number;
  memoryMb: number;
  agentName: string;
}

/**
 * What a run came to. A stop agentd made says why the container ended (its exit code is only the
 * signal's), so it wins: timed out, canceled (with how it was stopped), or lost when the agent
 * shut down (the server then applies the job's retry policy). Otherwise the kernel's OOM kill, then
 * the exit code.
 */
export function jobVerdict(input: VerdictInput): JobVerdict {
  const { exit, stop } = input;
  if (stop?.reason === 'timeout') {
    return { outcome: 'timed_out', exit_code: exit.exitCode, reason: `timed out after ${input.timeoutSeconds} s (stopped with ${stop.signal})` };
  }
  if (stop?.reason === 'cancel') {
    return { outcome: 'canceled', exit_code: exit.exitCode, reason: 'canceled', stopped: { container: stop.container, signal: stop.signal } };
  }
  if (stop?.reason === 'drain') return lostVerdict(input.agentName, exit.exitCode);
  if (exit.oomKilled) {
    return { outcome: 'failed', exit_code: exit.exitCode, oom_killed: true, reason: `killed: out of memory (limit ${input.memoryMb} MiB)` };
  }
  if (exit.exitCode === 0) return { outcome: 'succeeded', exit_code: 0 };
  return { outcome: 'failed', exit_code: exit.exitCode, reason: `exited with code ${exit.exitCode}` };
}

/** A stop that came before the container started: nothing ran, nothing was signalled. */
export function verdictBeforeStart(reason: JobStopReason, agentName: string): JobVerdict {
  if (reason === 'cancel') return { outcome: 'canceled', exit_code: null, reason: 'canceled before it started' };
  if (reason === 'timeout') return { outcome: 'timed_out', exit_code: null, reason: 'timed out before it started' };
  return lostVerdict(agentName);
}

/** The agent shut down before the job could end: the server retries it or fails it. */
export function lostVerdict(agentName: string, exitCode: number | null = null): JobVerdict {
  return { outcome: 'lost', exit_code: exitCode, reason: `agent ${agentName} shut down` };
}

/**
 * Which signal ended a stopped container: `docker stop` sends SIGTERM, then SIGKILL once the grace
 * period is over, so a container still running at the end of the grace got SIGKILL.
 */
export function stopSignal(stoppedAfterMs: number, graceMs: number): JobStopped['signal'] {
  return stoppedAfterMs >= graceMs ? 'SIGKILL' : 'SIGTERM';
}

/** The finished report's `reason` holds at most this many characters. */
export const MAX_REASON_LENGTH = 1024;

/** A verdict as the finished report carries it: a reason longer than the contract allows is cut. */
export function reportableVerdict(verdict: JobVerdict): JobVerdict {
  if (verdict.reason === undefined || verdict.reason.length <= MAX_REASON_LENGTH) return verdict;
  return { ...verdict, reason: `${verdict.reason.slice(0, MAX_REASON_LENGTH - 3)}...` };
}
