import { Iperf3Role } from './iperf3-argv';

/** What a task ended with: the body of `task.finished` (less the ids). */
export interface TaskOutcome {
  success: boolean;
  /** iperf3's JSON, for a client. */
  output?: Record<string, unknown>;
  error?: string;
}

/** How an iperf3 process ended, with what it printed. */
export interface Iperf3Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when it could not be started at all (iperf3 not installed, say). */
  spawnError?: string;
  /** Set when it printed more than agentd keeps. */
  outputTruncated?: boolean;
}

/** The contract's limit on `error`. */
const MAX_ERROR_LENGTH = 8000;

/** iperf3 prints this right after listen() (without `--json`; see iperf3-argv.ts). */
export function announcesListening(text: string, port: number): boolean {
  return new RegExp(`Server listening on ${port}\\b`).test(text);
}

/** The outcome of an iperf3 run that was not stopped by agentd. */
export function iperf3Outcome(role: Iperf3Role, exit: Iperf3Exit): TaskOutcome {
  if (exit.spawnError) return { success: false, error: errorText(`iperf3 could not be started: ${exit.spawnError}`) };
  if (exit.outputTruncated) return { success: false, error: 'iperf3 printed more output than agentd keeps (32 MiB)' };
  const ended = exit.signal ? `iperf3 was killed by ${exit.signal}` : `iperf3 exited with code ${String(exit.code)}`;
  if (role === 'server') {
    if (exit.code === 0) return { success: true };
    return { success: false, error: errorText(errorLines(exit.stderr) || errorLines(exit.stdout) || ended) };
  }

  const output = parseJsonObject(exit.stdout);
  if (!output) return { success: false, error: errorText(`${ended} without JSON output${tail(exit.stderr || exit.stdout)}`) };
  // With -J iperf3 reports its own failures in the JSON, e.g. {"error": "unable to connect to server: ..."}.
  if (typeof output.error === 'string') return { success: false, output, error: errorText(`iperf3: ${output.error}`) };
  if (exit.code !== 0) return { success: false, output, error: errorText(errorLines(exit.stderr) || ended) };
  return { success: true, output };
}

/** An error text within the contract's length. */
export function errorText(text: string): string {
  const trimmed = text.trim() || 'unknown error';
  return trimmed.length <= MAX_ERROR_LENGTH ? trimmed : `${trimmed.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The lines of iperf3's output that say what went wrong ("iperf3: error - ..."). */
function errorLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /error|unable|refused|denied|failed/i.test(line))
    .join('\n');
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed ? `: ${trimmed.slice(-2000)}` : '';
}
