import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactPutUrl, findArtifact } from './job-artifacts';

describe('findArtifact', () => {
  let root: string;
  let ws: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'agentd-artifacts-'));
    ws = join(root, 'workspace');
    mkdirSync(join(ws, 'reports'), { recursive: true });
    writeFileSync(join(ws, 'reports/junit.xml'), '<testsuite/>');
    writeFileSync(join(root, 'secret'), 'outside');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds a regular file inside the workspace', async () => {
    expect(await findArtifact(ws, 'reports/junit.xml', 1024)).toEqual({ ok: true, path: 'reports/junit.xml', file: join(ws, 'reports/junit.xml'), size: 12 });
  });

  it.each<[string, (ws: string, root: string) => void, string]>([
    ['missing.txt', () => undefined, 'not found'],
    ['reports', () => undefined, 'not a regular file'],
    ['link.txt', (w, r) => symlinkSync(join(r, 'secret'), join(w, 'link.txt')), 'a symbolic link, not a file'],
    ['out/secret', (w, r) => symlinkSync(r, join(w, 'out')), 'its directory leads outside the workspace'],
    ['../secret', () => undefined, 'not a path inside the workspace (parent segment)'],
  ])('does not upload %s', async (path, arrange, problem) => {
    arrange(ws, root);
    expect(await findArtifact(ws, path, 1024)).toEqual({ ok: false, path, problem });
  });

  it('does not upload a file over the size limit', async () => {
    expect(await findArtifact(ws, 'reports/junit.xml', 4)).toEqual({ ok: false, path: 'reports/junit.xml', problem: 'larger than this agent uploads (12 > 4 bytes)' });
  });
});

describe('artifactPutUrl', () => {
  it('adds the path, encoded, to the signed URL', () => {
    expect(artifactPutUrl('http://jobs/artifacts/j/1?expires=9&sig=s', 'reports/a b.xml')).toBe('http://jobs/artifacts/j/1?expires=9&sig=s&path=reports%2Fa%20b.xml');
  });
});
