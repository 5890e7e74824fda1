import { AgentCapabilities, NetworkInterface } from '@proctor/contracts';
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { networkInterfaces, NetworkInterfaceInfo } from 'node:os';

export interface CapabilityProbeOptions {
  iperf3Binary: string;
  /** Configured directories; only those that exist are announced. */
  storagePaths: string[];
  /** `DOCKER_HOST` as Docker reads it (unix:// or tcp://); the default socket when absent. */
  dockerHost?: string;
  /** CI jobs run at once, announced with a usable Docker as `max_jobs`. */
  maxJobs?: number;
  timeoutMs?: number;
}

export interface ProbeResult {
  capabilities: AgentCapabilities;
  /** What an operator should fix, one line each (iperf3 missing, a storage path absent...). */
  problems: string[];
}

const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Finds what this machine can do, as the agents service records it: each capability checked now
 * (not taken from configuration on trust) and stamped with when.
 */
export async function probeCapabilities(options: CapabilityProbeOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const problems: string[] = [];
  const [iperf3, storage, docker] = await Promise.all([
    iperf3Version(options.iperf3Binary, timeoutMs),
    existingDirectories(options.storagePaths),
    dockerReachable(options.dockerHost, timeoutMs),
  ]);
  const verifiedAt = new Date().toISOString();
  const capabilities: AgentCapabilities = {
    interfaces: { items: interfacesCapability(networkInterfaces()), verified_at: verifiedAt },
    storage_paths: { paths: storage.found, verified_at: verifiedAt },
    docker: { available: docker.available, verified_at: verifiedAt, ...(docker.available && options.maxJobs !== undefined ? { max_jobs: options.maxJobs } : {}) },
  };
  if (iperf3.version) capabilities.iperf3 = { version: iperf3.version, verified_at: verifiedAt };
  else problems.push(`iperf3 is not usable (${iperf3.problem}): this agent cannot run network exercises`);
  problems.push(...storage.problems);
  if (!docker.available) problems.push(`docker is not usable (${docker.problem})`);
  return { capabilities, problems };
}

/** "iperf 3.12 (cJSON 1.7.15)" → "3.12". */
export function parseIperf3Version(output: string): string | undefined {
  return /^iperf (\d+\.\d+(?:\.\d+)?[A-Za-z0-9.+-]*)/m.exec(output)?.[1];
}

/**
 * The machine's interfaces with their addresses, loopback left out: the exercises service gives a
 * client its server's address from this list, and a loopback address is useless to another machine.
 */
export function interfacesCapability(raw: NodeJS.Dict<NetworkInterfaceInfo[]>): NetworkInterface[] {
  return Object.entries(raw)
    .map(([name, infos]) => ({
      name: name.slice(0, 64),
      addresses: (infos ?? []).filter((info) => !info.internal).map((info) => info.address),
    }))
    .filter((item) => item.addresses.length > 0)
    .map((item) => ({ ...item, addresses: item.addresses.slice(0, 32) }))
    .slice(0, 64);
}

function iperf3Version(binary: string, timeoutMs: number): Promise<{ version?: string; problem?: string }> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      const version = parseIperf3Version(`${stdout}\n${stderr}`);
      if (version) resolve({ version });
      else resolve({ problem: error ? error.message.split('\n')[0] : `unexpected --version output: ${stdout.slice(0, 80)}` });
    });
  });
}

async function existingDirectories(paths: string[]): Promise<{ found: string[]; problems: string[] }> {
  const found: string[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).isDirectory()) found.push(path);
      else problems.push(`storage path ${path} is not a directory`);
    } catch (e) {
      problems.push(`storage path ${path} cannot be used (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return { found, problems };
}

/** Asks the Docker engine's `/_ping`: the socket existing is not enough (permissions, a dead daemon). */
function dockerReachable(dockerHost: string | undefined, timeoutMs: number): Promise<{ available: boolean; problem?: string }> {
  let target: { socketPath: string } | { host: string; port: number };
  if (dockerHost?.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    target = { socketPath: dockerHost?.startsWith('unix://') ? dockerHost.slice('unix://'.length) : DEFAULT_DOCKER_SOCKET };
  }
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { available: true } : { available: false, problem: `the engine answered ${res.statusCode}` });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ available: false, problem: e.code === 'EACCES' ? 'permission denied on the socket: add the user to group docker' : (e.code ?? e.message) }),
    );
    req.end();
  });
}
