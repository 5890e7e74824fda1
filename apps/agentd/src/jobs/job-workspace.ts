import { workspacePathProblem } from '@proctor/contracts';
import { createWriteStream } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, readdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as yauzl from 'yauzl';
import { JOB_UID } from './container-options';

/** Why a workspace could not be made: the job fails with this as its reason. */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export interface WorkspaceLimits {
  maxArchiveBytes: number;
  maxWorkspaceBytes: number;
  /** Entries in one archive; the jobs service checks the same at submission, this is the agent's own guard. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/**
 * GETs the job's archive from its signed URL into `dest`, refusing more than `maxBytes` (counted as
 * it arrives: a Content-Length is only a claim).
 */
export async function downloadArchive(url: string, dest: string, maxBytes: number, signal: AbortSignal): Promise<number> {
  const aborted = AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]);
  let response: Response;
  try {
    response = await fetch(url, { signal: aborted });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new WorkspaceError(`the archive could not be downloaded: ${causeOf(e)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new WorkspaceError(`the archive could not be downloaded: the jobs service answered ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw new WorkspaceError(`the archive is larger than this agent takes (${declared} > ${maxBytes} bytes)`);
  }
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > maxBytes) done(new WorkspaceError(`the archive is larger than this agent takes (over ${maxBytes} bytes)`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), counter, createWriteStream(dest, { mode: 0o600 }), { signal: aborted });
  } catch (e) {
    if (e instanceof WorkspaceError || signal.aborted) throw e;
    throw new WorkspaceError(`the archive could not be downloaded: ${causeOf(e)}`);
  }
  return received;
}

/**
 * Unpacks a zip into `dir` under the same path rule the jobs service applied at submission
 * (workspacePathProblem), refusing symbolic links and other special files (a link could point a
 * later entry, or an artifact, outside the workspace) and stopping at `maxWorkspaceBytes` of
 * content as it is written (entry headers can lie). Files keep their executable bit.
 */
export async function extractArchive(zipPath: string, dir: string, limits: WorkspaceLimits): Promise<{ entries: number; bytes: number }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true });
  } catch (e) {
    throw new WorkspaceError(`the archive is not a readable zip: ${(e as Error).message}`);
  }
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const root = resolve(dir);
  let entries = 0;
  let bytes = 0;
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      if (++entries > maxEntries) throw new WorkspaceError(`the archive has more than ${maxEntries} entries`);
      // strictFileNames: a backslash is kept as written, for the rule to refuse.
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const problem = workspacePathProblem(name);
      if (problem) throw new WorkspaceError(`entry ${JSON.stringify(name.slice(0, 200))} is refused: ${problem.replace(/_/g, ' ')}`);
      const target = resolve(root, name);
      if (target !== root && !target.startsWith(root + sep)) throw new WorkspaceError(`entry ${JSON.stringify(name)} would be written outside the workspace`);
      const type = entryType(entry, name);
      if (type === 'special') throw new WorkspaceError(`entry ${JSON.stringify(name)} is a symbolic link or special file, which a workspace may not hold`);
      if (type === 'directory') {
        await mkdir(target, { recursive: true, mode: 0o755 });
        continue;
      }
      if (entry.isEncrypted()) throw new WorkspaceError(`entry ${JSON.stringify(name)} is encrypted`);
      await mkdir(resolve(target, '..'), { recursive: true, mode: 0o755 });
      const executable = ((entry.externalFileAttributes >>> 16) & 0o111) !== 0;
      let file;
      try {
        file = await open(target, 'wx', executable ? 0o755 : 0o644);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new WorkspaceError(`entry ${JSON.stringify(name)} appears twice in the archive`);
        throw e;
      }
      const content = await zip.openReadStreamPromise(entry);
      const budget = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > limits.maxWorkspaceBytes) done(new WorkspaceError(`the workspace is larger than this agent takes once unpacked (over ${limits.maxWorkspaceBytes} bytes)`));
          else done(null, chunk);
        },
      });
      await pipeline(content, budget, file.createWriteStream());
    }
  } catch (e) {
    if (e instanceof WorkspaceError) throw e;
    throw new WorkspaceError(`the archive could not be unpacked: ${(e as Error).message}`);
  } finally {
    zip.close();
  }
  return { entries, bytes };
}

/**
 * Makes the workspace writable by the job's user (nobody, 65534): its owner when agentd runs as
 * root, else world-writable (a non-root agentd cannot give files away).
 */
export async function handOverWorkspace(dir: string): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path);
    if (asRoot) await chown(path, JOB_UID, JOB_UID);
    else await chmod(path, info.isDirectory() || (info.mode & 0o111) !== 0 ? 0o777 : 0o666);
    if (info.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(dir);
}

function entryType(entry: yauzl.Entry, name: string): 'file' | 'directory' | 'special' {
  // Unix hosts keep the file type in the upper half of the external attributes; others leave it 0.
  const unixType = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (unixType === 0) return name.endsWith('/') ? 'directory' : 'file';
  if (unixType === S_IFDIR) return 'directory';
  if (unixType === S_IFREG) return name.endsWith('/') ? 'directory' : 'file';
  return 'special';
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolveEntry, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolveEntry(entry);
    };
    const onEnd = () => {
      cleanup();
      resolveEntry(undefined);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function causeOf(e: unknown): string {
  const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}
