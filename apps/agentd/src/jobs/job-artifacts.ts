import { workspacePathProblem } from '@proctor/contracts';
import { backoffDelay } from '@proctor/messaging';
import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** An artifact found in the workspace, or why it is not uploaded. */
export type FoundArtifact = { ok: true; path: string; file: string; size: number } | { ok: false; path: string; problem: string };

/**
 * Finds one of the spec's artifacts in a finished job's workspace: a regular file (not a link, not
 * a directory) that is inside the workspace once every directory on its way is resolved (a job
 * could have made `reports` a link to `/etc`), and not larger than `maxBytes`.
 */
export async function findArtifact(workspace: string, path: string, maxBytes: number): Promise<FoundArtifact> {
  const refuse = (problem: string): FoundArtifact => ({ ok: false, path, problem });
  const pathProblem = workspacePathProblem(path);
  if (pathProblem) return refuse(`not a path inside the workspace (${pathProblem.replace(/_/g, ' ')})`);
  const root = await realpath(workspace);
  const file = resolve(root, path);
  let parent: string;
  try {
    parent = await realpath(dirname(file));
  } catch {
    return refuse('not found');
  }
  if (parent !== root && !parent.startsWith(root + sep)) return refuse('its directory leads outside the workspace');
  const target = resolve(parent, file.slice(file.lastIndexOf(sep) + 1));
  let info;
  try {
    info = await lstat(target);
  } catch {
    return refuse('not found');
  }
  if (info.isSymbolicLink()) return refuse('a symbolic link, not a file');
  if (!info.isFile()) return refuse('not a regular file');
  if (info.size > maxBytes) return refuse(`larger than this agent uploads (${info.size} > ${maxBytes} bytes)`);
  return { ok: true, path, file: target, size: info.size };
}

/** `PUT <artifact_upload_url>&path=<path>`: the signed part is the URL, the path is checked by the server. */
export function artifactPutUrl(uploadUrl: string, path: string): string {
  return `${uploadUrl}${uploadUrl.includes('?') ? '&' : '?'}path=${encodeURIComponent(path)}`;
}

export interface UploadOptions {
  signal: AbortSignal;
  attempts?: number;
  timeoutMs?: number;
}

/**
 * Uploads one artifact, streamed from the file (opened without following a link), retrying what
 * may be transient (no answer, 5xx). Resolves with the status of the last answer; throws only when
 * no answer came at all.
 */
export async function uploadArtifact(uploadUrl: string, artifact: Extract<FoundArtifact, { ok: true }>, options: UploadOptions): Promise<number> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 0; ; attempt++) {
    const handle = await open(artifact.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const size = (await handle.stat()).size;
      const body = Readable.toWeb(handle.createReadStream({ autoClose: false })) as ReadableStream;
      const response = await fetch(artifactPutUrl(uploadUrl, artifact.path), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
        body,
        duplex: 'half',
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 5 * 60_000)]),
      } as RequestInit);
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 500 || attempt + 1 >= attempts) return response.status;
    } catch (e) {
      if (options.signal.aborted || attempt + 1 >= attempts) throw e;
    } finally {
      await handle.close();
    }
    await sleep(backoffDelay(attempt, 500, 5000), undefined, { signal: options.signal });
  }
}
