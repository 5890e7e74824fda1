import { TaskAssignment } from '@proctor/contracts';

export type Iperf3Role = 'server' | 'client';

export type Iperf3Plan = { ok: true; role: Iperf3Role; port: number; argv: string[] } | { ok: false; error: string };

/** Hostnames, IPv4 and IPv6 (with a zone): never something iperf3 could read as an option. */
const ADDRESS = /^[A-Za-z0-9][A-Za-z0-9.:%_-]{0,252}$/;
const BANDWIDTH = /^\d{1,12}[KMG]?$/;

/**
 * The iperf3 command line of a task, or why the task cannot run.
 *
 * The server runs without `--json` on purpose: with it iperf3 prints nothing until the test ends,
 * and the only other way to learn that it listens, connecting to its port, is taken by `-s -1` as
 * its one test (it fails that "test" and exits). Without `--json` it prints "Server listening on
 * <port>" right after listen(), and `--forceflush` makes it reach the pipe at once. The measurement
 * is the client's JSON.
 */
export function iperf3Argv(task: TaskAssignment): Iperf3Plan {
  const port = task.port;
  if (port === null || !Number.isInteger(port) || port < 1 || port > 65535) return invalid(`port must be 1-65535, got ${String(port)}`);
  if (task.kind === 'iperf3_server') {
    return { ok: true, role: 'server', port, argv: ['-s', '-1', '-p', String(port), '--forceflush'] };
  }
  if (task.kind !== 'iperf3_client') return invalid(`kind ${task.kind} does not run iperf3`);

  const address = task.server_address;
  if (address === null || !ADDRESS.test(address)) return invalid(`server_address must be a host name or IP address, got ${JSON.stringify(address)}`);
  const duration = task.duration_seconds;
  if (duration === null || !Number.isInteger(duration) || duration < 1 || duration > 86400) {
    return invalid(`duration_seconds must be 1-86400, got ${String(duration)}`);
  }
  const argv = ['-c', address, '-p', String(port), '-t', String(duration), '-J'];
  if (task.protocol === 'udp') argv.push('-u');
  else if (task.protocol !== 'tcp' && task.protocol !== null) return invalid(`protocol must be tcp or udp, got ${String(task.protocol)}`);
  if (task.bandwidth !== null) {
    if (!BANDWIDTH.test(task.bandwidth)) return invalid(`bandwidth must look like 500K, 100M or 1G, got ${JSON.stringify(task.bandwidth)}`);
    argv.push('-b', task.bandwidth);
  }
  if (task.parallel !== null) {
    if (!Number.isInteger(task.parallel) || task.parallel < 1 || task.parallel > 128) return invalid(`parallel must be 1-128, got ${task.parallel}`);
    if (task.parallel > 1) argv.push('-P', String(task.parallel));
  }
  if (task.reverse) argv.push('-R');
  return { ok: true, role: 'client', port, argv };
}

function invalid(problem: string): Iperf3Plan {
  return { ok: false, error: `invalid task: ${problem}` };
}
