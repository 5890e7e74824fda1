import { JobErrorCode, ProctorError, workspacePathProblem } from '@proctor/contracts';
import { crc32 } from 'node:zlib';
import { Entry, fromBufferPromise, getFileNameLowLevel, ZipFile } from 'yauzl';
import { ArchiveLimits } from '../jobs-config';

/** The job spec file read from the archive root. */
export const SPEC_FILE_NAME = 'proctor.yml';
/** A spec file is a few lines; more than this is a mistake, not a spec. */
export const MAX_SPEC_FILE_BYTES = 64 * 1024;
/**
 * Entries smaller than this are not held to the compression ratio: a few KiB of blank lines may
 * legitimately compress 500:1, and cannot make a bomb (the total uncompressed size still counts).
 */
export const RATIO_CHECK_MIN_BYTES = 64 * 1024;

export type ArchiveProblem =
  | 'malformed'
  | 'unsafe_path'
  | 'symlink'
  | 'special_file'
  | 'duplicate_entry'
  | 'encrypted'
  | 'unsupported_compression'
  | 'too_many_entries'
  | 'too_large_uncompressed'
  | 'compression_ratio'
  | 'header_mismatch'
  | 'content_mismatch';

export interface ArchiveInspection {
  entries: number;
  /** Bytes once unpacked, as counted while inflating every entry. */
  uncompressedBytes: number;
  /** The bytes of `proctor.yml` at the root, when the archive has one. */
  specFile: Buffer | null;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const STORED = 0;
const DEFLATED = 8;

function refuse(problem: ArchiveProblem, message: string, details: Record<string, unknown> = {}): ProctorError {
  return new ProctorError(JobErrorCode.ArchiveInvalid, message, { reason: problem, ...details });
}

/**
 * Checks that a project zip is safe to unpack into a workspace, without unpacking it to disk.
 *
 * What is checked, and against what:
 * - the central directory must parse (yauzl), and each entry's local header must carry the same
 *   name and compression method, so that an extractor reading local headers sees the same files;
 * - every name, as decoded from its header and from an Info-ZIP Unicode path field when there is
 *   one, passes workspacePathProblem (no `..`, absolute path, drive letter, backslash or NUL);
 * - symlinks are refused, all of them: whether a link points inside depends on the entries
 *   extracted before it and on links to links, the ground where extractor escapes live, and a
 *   job that needs a link can make it when it runs. Devices, FIFOs and sockets are refused too;
 * - the entry count (JOBS_MAX_ARCHIVE_ENTRIES), the declared total size
 *   (JOBS_MAX_UNCOMPRESSED_BYTES) and each entry's declared ratio (JOBS_MAX_COMPRESSION_RATIO) are
 *   checked before anything is inflated, so a bomb is refused cheaply;
 * - declared sizes are not trusted further: every entry is then inflated and counted (more or
 *   fewer bytes than declared, or another CRC-32, refuses the archive), so what the agent unpacks
 *   is at most what was checked (a stored entry's CRC-32 is taken over its bytes where they lie
 *   in the zip: no stream, no copy). Overlapping entries (one blob named many times) are counted
 *   as often as they are named.
 */
export async function inspectArchive(zip: Buffer, limits: ArchiveLimits): Promise<ArchiveInspection> {
  const archive = await openArchive(zip);
  try {
    if (archive.entryCount > limits.maxEntries) {
      throw refuse('too_many_entries', `the archive has ${archive.entryCount} entries, more than the ${limits.maxEntries} allowed`, {
        limit: 'JOBS_MAX_ARCHIVE_ENTRIES',
        max: limits.maxEntries,
        actual: archive.entryCount,
      });
    }
    const entries = await readDirectory(archive, limits);
    let uncompressedBytes = 0;
    let specFile: Buffer | null = null;
    for (const checked of entries) {
      const keep = checked.name === SPEC_FILE_NAME;
      const content = checked.entry.compressionMethod === STORED ? checkStored(zip, checked, keep) : await inflateAndCheck(archive, checked, keep);
      uncompressedBytes += content.size;
      if (keep) specFile = content.bytes;
    }
    return { entries: entries.length, uncompressedBytes, specFile };
  } finally {
    archive.close();
  }
}

async function openArchive(zip: Buffer): Promise<ZipFile> {
  try {
    // Raw names: yauzl's own decoding turns backslashes into slashes, which would hide them.
    return await fromBufferPromise(zip, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (e) {
    throw refuse('malformed', `the archive is not a readable zip: ${(e as Error).message}`);
  }
}

interface CheckedEntry {
  entry: Entry;
  name: string;
  /** Where the entry's data starts in the zip, after its local header. */
  dataStart: number;
}

/** The central directory, entry by entry, with every rule that needs no inflating. */
async function readDirectory(archive: ZipFile, limits: ArchiveLimits): Promise<CheckedEntry[]> {
  const checked: CheckedEntry[] = [];
  const seen = new Set<string>();
  let declaredTotal = 0;
  try {
    for await (const entry of archive.eachEntry()) {
      const name = checkName(entry);
      checkType(entry, name);
      const key = name.replace(/\/+$/, '');
      if (seen.has(key)) throw refuse('duplicate_entry', `the archive names ${name} twice`, { entry: name });
      seen.add(key);
      if (entry.isEncrypted()) throw refuse('encrypted', `${name} is encrypted`, { entry: name });
      if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
        throw refuse('unsupported_compression', `${name} uses compression method ${entry.compressionMethod}; only stored and deflated are supported`, {
          entry: name,
        });
      }
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > limits.maxUncompressedBytes) {
        throw refuse('too_large_uncompressed', `the archive unpacks to more than the ${limits.maxUncompressedBytes} bytes allowed`, {
          limit: 'JOBS_MAX_UNCOMPRESSED_BYTES',
          max: limits.maxUncompressedBytes,
        });
      }
      checkRatio(entry, name, limits.maxCompressionRatio);
      const dataStart = await checkLocalHeader(archive, entry, name);
      checked.push({ entry, name, dataStart });
    }
  } catch (e) {
    if (e instanceof ProctorError) throw e;
    throw refuse('malformed', `the archive is not a readable zip: ${(e as Error).message}`);
  }
  return checked;
}

/** The entry's name, refused when any decoding of it would leave the workspace. */
function checkName(entry: Entry): string {
  const raw = entry.fileNameRaw;
  const name = getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  // Without the Unicode path field: what an extractor that ignores it would write.
  const plain = getFileNameLowLevel(entry.generalPurposeBitFlag, raw, [], true);
  for (const candidate of new Set([name, plain])) {
    const problem = workspacePathProblem(candidate);
    if (problem) throw refuse('unsafe_path', `${JSON.stringify(candidate)} would be written outside the workspace (${problem})`, { entry: candidate, problem });
  }
  return name;
}

function checkType(entry: Entry, name: string): void {
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) throw refuse('symlink', `${name} is a symbolic link; links are not accepted in a workspace archive`, { entry: name });
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw refuse('special_file', `${name} is not a regular file or directory`, { entry: name });
}

function checkRatio(entry: Entry, name: string, maxRatio: number): void {
  if (entry.uncompressedSize < RATIO_CHECK_MIN_BYTES) return;
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (ratio > maxRatio) {
    throw refuse('compression_ratio', `${name} expands ${Math.round(ratio)} times, more than the ${maxRatio} allowed`, {
      entry: name,
      limit: 'JOBS_MAX_COMPRESSION_RATIO',
      max: maxRatio,
      actual: Math.round(ratio),
    });
  }
}

/** Where the entry's data starts, once its local header is found to match the central directory. */
async function checkLocalHeader(archive: ZipFile, entry: Entry, name: string): Promise<number> {
  // yauzl checks here that the data, as long as the directory says, lies inside the zip.
  const local = await archive.readLocalFileHeaderPromise(entry, { minimal: false });
  if (!local.fileName.equals(entry.fileNameRaw) || local.compressionMethod !== entry.compressionMethod) {
    throw refuse('header_mismatch', `the local header of ${name} does not match the central directory`, { entry: name });
  }
  return local.fileDataStart;
}

interface EntryContent {
  size: number;
  bytes: Buffer | null;
}

function checkSpecFileSize(entry: Entry): void {
  if (entry.uncompressedSize <= MAX_SPEC_FILE_BYTES) return;
  throw new ProctorError(JobErrorCode.SpecInvalid, `${SPEC_FILE_NAME} is larger than ${MAX_SPEC_FILE_BYTES} bytes`, {
    source: SPEC_FILE_NAME,
    fields: { [SPEC_FILE_NAME]: [`must be at most ${MAX_SPEC_FILE_BYTES} bytes`] },
  });
}

function checkCrc(crc: number, { entry, name }: CheckedEntry): void {
  if (crc !== entry.crc32) throw refuse('content_mismatch', `${name} does not match its CRC-32`, { entry: name });
}

/**
 * A stored entry is its bytes in the zip, as many as both its sizes say (yauzl's validateEntrySizes
 * refuses a stored entry whose two sizes differ while the directory is read).
 */
function checkStored(zip: Buffer, checked: CheckedEntry, keep: boolean): EntryContent {
  const { entry, dataStart } = checked;
  if (keep) checkSpecFileSize(entry);
  const bytes = zip.subarray(dataStart, dataStart + entry.compressedSize);
  checkCrc(crc32(bytes), checked);
  return { size: bytes.length, bytes: keep ? bytes : null };
}

/** Inflates a deflated entry, counting what comes out; keeps the bytes only when asked (the spec file). */
async function inflateAndCheck(archive: ZipFile, checked: CheckedEntry, keep: boolean): Promise<EntryContent> {
  const { entry, name } = checked;
  if (keep) checkSpecFileSize(entry);
  const kept: Buffer[] = [];
  let size = 0;
  let crc = 0;
  try {
    // yauzl's byte count fails the stream on more or fewer bytes than the directory declared.
    const stream = await archive.openReadStreamPromise(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      crc = crc32(chunk, crc);
      if (keep) kept.push(chunk);
    }
  } catch (e) {
    throw refuse('content_mismatch', `${name} cannot be unpacked as declared: ${(e as Error).message}`, { entry: name });
  }
  checkCrc(crc, checked);
  return { size, bytes: keep ? Buffer.concat(kept) : null };
}
