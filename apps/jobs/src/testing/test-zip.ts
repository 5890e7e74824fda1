import { ZipFile } from 'yazl';

export interface TestZipEntry {
  name: string;
  content?: Buffer | string;
  /** Unix mode with its file type bits, e.g. 0o100755 or 0o120777 for a symlink. */
  mode?: number;
  compress?: boolean;
}

/** A zip built in memory, as a CI client would upload it. */
export async function zipOf(entries: TestZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const e of entries) {
    zip.addBuffer(Buffer.from(e.content ?? ''), e.name, { mode: e.mode, compress: e.compress ?? true, mtime: new Date('2026-11-23T00:00:00Z') });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Rewrites text in a built zip (every occurrence, or only the last: the central directory's copy
 * of a name). yazl refuses to write unsafe names, as it should: build with a same-length stand-in
 * and patch it.
 */
export function withTextReplaced(zip: Buffer, from: string, to: string, which: 'all' | 'last' = 'all'): Buffer {
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  const replacement = Buffer.from(to);
  if (replacement.length !== needle.length) throw new Error('withTextReplaced: both texts must have the same length in bytes');
  const positions: number[] = [];
  for (let at = out.indexOf(needle); at !== -1; at = out.indexOf(needle, at + 1)) positions.push(at);
  if (positions.length === 0) throw new Error(`withTextReplaced: ${from} is not in the zip`);
  for (const at of which === 'all' ? positions : positions.slice(-1)) replacement.copy(out, at);
  return out;
}
