import type Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { JOB_LABELS } from './container-options';
import { ContainerExit } from './job-outcome';

/** Whether an engine error is its 404 (no such container or image). */
export function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}

/**
 * Makes `image` available locally: there already, or pulled. Throws when it cannot be (no registry
 * reachable, no such image, no credentials): the job then fails naming the image.
 */
export async function ensureImage(docker: Docker, image: string): Promise<'present' | 'pulled'> {
  try {
    await docker.getImage(image).inspect();
    return 'present';
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
      const failed = events?.find((event) => event.error);
      if (error) reject(error);
      else if (failed) reject(new Error(failed.error));
      else resolve();
    });
  });
  await docker.getImage(image).inspect();
  return 'pulled';
}

/**
 * Removes, running or not, the job containers a previous run of this daemon left (it crashed or was
 * killed): they carry its agent id and prefix. Returns their names.
 */
export async function removeLeftoverContainers(docker: Docker, agentId: string, prefix: string): Promise<string[]> {
  const leftovers = await docker.listContainers({
    all: true,
    filters: { label: [`${JOB_LABELS.agent}=${agentId}`, `${JOB_LABELS.prefix}=${prefix}`] },
  });
  const removed: string[] = [];
  for (const info of leftovers) {
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed.push(info.Names[0]?.replace(/^\//, '') ?? info.Id);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return removed;
}

/**
 * `docker stop` with a grace period: SIGTERM, then SIGKILL if the container still runs after
 * `graceSeconds`. Resolves once it has stopped, with how long that took; a container that had
 * already stopped, or is gone, is not an error.
 */
export async function stopContainer(container: Docker.Container, graceSeconds: number): Promise<number> {
  const started = Date.now();
  try {
    await container.stop({ t: graceSeconds });
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    if (status !== 304 && status !== 404) throw e;
  }
  return Date.now() - started;
}

/** 128 + SIGKILL: what a container killed by the kernel's OOM killer exits with. */
const KILLED = 137;

/**
 * How an exited container ended. The engine learns of an OOM kill by a separate notification that
 * may land just after the exit: a SIGKILL exit not flagged OOM is looked at again for up to
 * `oomWaitMs` before it is taken as a plain kill.
 */
export async function containerExit(container: Docker.Container, oomWaitMs: number): Promise<ContainerExit> {
  const deadline = Date.now() + oomWaitMs;
  for (;;) {
    const { State } = await container.inspect();
    const exit = { exitCode: State.ExitCode, oomKilled: State.OOMKilled };
    if (exit.oomKilled || exit.exitCode !== KILLED || Date.now() >= deadline) return exit;
    await sleep(100);
  }
}
