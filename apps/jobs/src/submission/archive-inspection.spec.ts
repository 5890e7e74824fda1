import { ProctorError } from '@proctor/contracts';
import { randomBytes } from 'node:crypto';
import { ArchiveLimits } from '../jobs-config';
import { withTextReplaced, zipOf } from '../testing/test-zip';
import { inspectArchive, MAX_SPEC_FILE_BYTES } from './archive-inspection';

const LIMITS: ArchiveLimits = { maxArchiveBytes: 50 * 1024 * 1024, maxUncompressedBytes: 500 * 1024 * 1024, maxEntries: 10_000, maxCompressionRatio: 200 };

async function refusal(zip: Buffer, limits: ArchiveLimits = LIMITS): Promise<ProctorError> {
  const error = await inspectArchive(zip, limits).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProctorError);
  return error as ProctorError;
}

describe('inspectArchive', () => {
  it('accepts a project, counts what it unpacks to and hands back proctor.yml', async () => {
    const spec = 'image: alpine:3\ncommand: [sh, -c, make test]\n';
    const files = [
      { name: 'proctor.yml', content: spec },
      { name: 'src/app.ts', content: 'export const x = 1;\n' },
      { name: 'run-tests.sh', content: '#!/bin/sh\necho ok\n', mode: 0o100755 },
      { name: 'blank.txt', content: ' '.repeat(10_000) },
    ];
    const inspection = await inspectArchive(await zipOf(files), LIMITS);
    expect(inspection.entries).toBe(4);
    expect(inspection.uncompressedBytes).toBe(files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0));
    expect(inspection.specFile?.toString('utf8')).toBe(spec);
  });

  it('hands back no spec file when there is none at the root', async () => {
    const inspection = await inspectArchive(await zipOf([{ name: 'sub/proctor.yml', content: 'image: x' }]), LIMITS);
    expect(inspection.specFile).toBeNull();
  });

  it('refuses an entry climbing out with ../', async () => {
    const error = await refusal(withTextReplaced(await zipOf([{ name: 'xx/evil', content: 'boom' }]), 'xx/evil', '../evil'));
    expect(error.code).toBe('job_archive_invalid');
    expect(error.details).toMatchObject({ reason: 'unsafe_path', entry: '../evil', problem: 'parent_segment' });
  });

  it('refuses an absolute path', async () => {
    const error = await refusal(withTextReplaced(await zipOf([{ name: 'xetc/passwd', content: 'root::0:0' }]), 'xetc/passwd', '/etc/passwd'));
    expect(error.details).toMatchObject({ reason: 'unsafe_path', entry: '/etc/passwd', problem: 'absolute' });
  });

  it('refuses backslashes that another extractor would read as separators', async () => {
    const error = await refusal(withTextReplaced(await zipOf([{ name: 'a_.._.._x', content: '' }]), 'a_.._.._x', 'a\\..\\..\\x'));
    expect(error.details).toMatchObject({ reason: 'unsafe_path', problem: 'backslash' });
  });

  it('refuses a symlink entry, here one pointing out of the workspace', async () => {
    const error = await refusal(await zipOf([{ name: 'passwd', content: '../../../etc/passwd', mode: 0o120777 }]));
    expect(error.details).toMatchObject({ reason: 'symlink', entry: 'passwd' });
  });

  it('refuses device files', async () => {
    const error = await refusal(await zipOf([{ name: 'null', mode: 0o020666 }]));
    expect(error.details).toMatchObject({ reason: 'special_file', entry: 'null' });
  });

  it('refuses more entries than JOBS_MAX_ARCHIVE_ENTRIES', async () => {
    const entries = Array.from({ length: LIMITS.maxEntries + 1 }, (_, i) => ({ name: `f/${i}`, compress: false }));
    const error = await refusal(await zipOf(entries));
    expect(error.details).toEqual({ reason: 'too_many_entries', limit: 'JOBS_MAX_ARCHIVE_ENTRIES', max: 10_000, actual: 10_001 });
  });

  it('refuses a highly compressible big entry as a bomb, by JOBS_MAX_COMPRESSION_RATIO', async () => {
    const error = await refusal(await zipOf([{ name: 'zeros.bin', content: Buffer.alloc(20 * 1024 * 1024) }]));
    expect(error.details).toMatchObject({ reason: 'compression_ratio', entry: 'zeros.bin', limit: 'JOBS_MAX_COMPRESSION_RATIO', max: 200 });
    expect((error.details as { actual: number }).actual).toBeGreaterThan(200);
  });

  it('refuses more unpacked bytes than JOBS_MAX_UNCOMPRESSED_BYTES, even if each entry is modest', async () => {
    const zip = await zipOf([0, 1, 2].map((i) => ({ name: `r${i}.bin`, content: randomBytes(1024) })));
    const error = await refusal(zip, { ...LIMITS, maxUncompressedBytes: 2048 });
    expect(error.details).toEqual({ reason: 'too_large_uncompressed', limit: 'JOBS_MAX_UNCOMPRESSED_BYTES', max: 2048 });
  });

  it('does not trust a declared size: an entry inflating to more than its header says is refused', async () => {
    const content = 'x'.repeat(1000);
    const zip = await zipOf([{ name: 'liar.txt', content }]);
    // Central directory entry: uncompressed size at offset 24 of the record.
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(10, central + 24);
    const error = await refusal(zip);
    expect(error.details).toMatchObject({ reason: 'content_mismatch', entry: 'liar.txt' });
  });

  it('refuses a stored entry declaring more bytes unpacked than it stores', async () => {
    const zip = await zipOf([{ name: 'stored.bin', content: randomBytes(1000), compress: false }]);
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100_000, central + 24);
    expect((await refusal(zip)).code).toBe('job_archive_invalid');
  });

  it('refuses a stored entry whose data would run past the end of the zip', async () => {
    const zip = await zipOf([{ name: 'stored.bin', content: randomBytes(1000), compress: false }]);
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100_000, central + 20);
    zip.writeUInt32LE(100_000, central + 24);
    expect((await refusal(zip)).details).toMatchObject({ reason: 'malformed' });
  });

  it('checks the CRC-32 of a big stored entry and of a deflated one, and counts both', async () => {
    const stored = randomBytes(3 * 1024 * 1024);
    const deflated = Buffer.from(randomBytes(512 * 1024).toString('hex'));
    const inspection = await inspectArchive(await zipOf([{ name: 'stored.bin', content: stored, compress: false }, { name: 'text.txt', content: deflated }]), LIMITS);
    expect(inspection.uncompressedBytes).toBe(stored.length + deflated.length);
    const zip = await zipOf([{ name: 'stored.bin', content: stored, compress: false }]);
    zip[zip.indexOf(stored.subarray(0, 64)) + 2 * 1024 * 1024] ^= 1;
    expect((await refusal(zip)).details).toMatchObject({ reason: 'content_mismatch', entry: 'stored.bin' });
  });

  it('refuses content that does not match its CRC-32', async () => {
    const zip = await zipOf([{ name: 'a.txt', content: 'hello', compress: false }]);
    const flipped = withTextReplaced(zip, 'hello', 'jello');
    const error = await refusal(flipped);
    expect(error.details).toMatchObject({ reason: 'content_mismatch', entry: 'a.txt' });
  });

  it('refuses a central directory that names an entry other than its local header does', async () => {
    const zip = withTextReplaced(await zipOf([{ name: 'aaaa.txt', content: 'x' }]), 'aaaa.txt', 'bbbb.txt', 'last');
    const error = await refusal(zip);
    expect(error.details).toMatchObject({ reason: 'header_mismatch', entry: 'bbbb.txt' });
  });

  it('refuses the same name twice', async () => {
    const error = await refusal(await zipOf([{ name: 'a.txt', content: '1' }, { name: 'a.txt', content: '2' }]));
    expect(error.details).toMatchObject({ reason: 'duplicate_entry', entry: 'a.txt' });
  });

  it('refuses garbage and a truncated zip as malformed', async () => {
    expect((await refusal(randomBytes(4096))).details).toMatchObject({ reason: 'malformed' });
    expect((await refusal(Buffer.alloc(0))).details).toMatchObject({ reason: 'malformed' });
    const zip = await zipOf([{ name: 'a.txt', content: randomBytes(2048) }]);
    expect((await refusal(zip.subarray(0, zip.length - 30))).details).toMatchObject({ reason: 'malformed' });
    expect((await refusal(zip.subarray(0, 200))).details).toMatchObject({ reason: 'malformed' });
  });

  it('refuses a spec file larger than a spec file can sensibly be', async () => {
    const error = await refusal(await zipOf([{ name: 'proctor.yml', content: `# ${randomBytes(MAX_SPEC_FILE_BYTES / 2).toString('hex')}x\n` }]));
    expect(error.code).toBe('job_spec_invalid');
  });
});
