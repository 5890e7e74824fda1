import { ChildProcess, spawn } from 'node:child_process';
import { announcesListening, Iperf3Exit } from './iperf3-outcome';

/** More than any real run prints (an hour of 128 streams' intervals is a few MiB): a bound on memory. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

export interface Iperf3RunOptions {
  binary: string;
  argv: string[];
  /** For a server: the port whose "Server listening" line resolves `listening`. */
  listeningPort?: number;
}

/**
 * One iperf3 process: its output collected, its end as a promise, and a stop that asks politely
 * (SIGTERM, which iperf3 answers by ending its test) before it insists (SIGKILL).
 */
export class Iperf3Process {
  /** Resolves once the process runs (clients), or once it listens (servers). Never rejects. */
  readonly ready: Promise<void>;
  readonly exited: Promise<Iperf3Exit>;
  private readonly child: ChildProcess;
  private killTimer?: NodeJS.Timeout;

  constructor(options: Iperf3RunOptions) {
    // LC_ALL=C: the "Server listening" line and error texts are parsed, so keep them untranslated.
    this.child = spawn(options.binary, options.argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let seen = '';
    let markReady: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => (markReady = resolve));

    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (kept + chunk.length > MAX_OUTPUT_BYTES) {
        truncated = true;
        return;
      }
      kept += chunk.length;
      into.push(chunk);
    };
    this.child.stdout?.on('data', collect(stdout));
    this.child.stderr?.on('data', collect(stderr));
    if (options.listeningPort === undefined) {
      this.child.once('spawn', () => markReady());
    } else {
      const port = options.listeningPort;
      this.child.stdout?.on('data', (chunk: Buffer) => {
        // Only the banner matters; keep the tail in case the line arrives in two chunks.
        seen = (seen + chunk.toString('utf8')).slice(-4096);
        if (announcesListening(seen, port)) markReady();
      });
    }

    this.exited = new Promise<Iperf3Exit>((resolve) => {
      let spawnError: string | undefined;
      this.child.once('error', (e) => (spawnError = e.message));
      // 'close' comes after the pipes are drained, and also after a failed spawn.
      this.child.once('close', (code, signal) => {
        clearTimeout(this.killTimer);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          ...(spawnError ? { spawnError } : {}),
          ...(truncated ? { outputTruncated: true } : {}),
        });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** SIGTERM now, SIGKILL after `graceMs` if it is still there; resolves when it has ended. */
  stop(graceMs: number): Promise<Iperf3Exit> {
    if (this.running) {
      this.child.kill('SIGTERM');
      this.killTimer ??= setTimeout(() => {
        if (this.running) this.child.kill('SIGKILL');
      }, graceMs);
    }
    return this.exited;
  }
}
