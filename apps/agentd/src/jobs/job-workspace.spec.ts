import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectZip as zipOf } from '../testing/fake-jobs-files';
import { downloadArchive, extractArchive, handOverWorkspace, WorkspaceError } from './job-workspace';

/** yazl refuses the names an attacker would use: write one safe name, then patch it in place. */
function renamed(zip: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('same length only');
  return Buffer.from(zip.toString('latin1').split(from).join(to), 'latin1');
}

describe('workspace archives', () => {
  let dir: string;
  const limits = { maxArchiveBytes: 1024 * 1024, maxWorkspaceBytes: 1024 * 1024 };
  const extract = async (zip: Buffer, max = limits) => {
    writeFileSync(join(dir, 'a.zip'), zip);
    return extractArchive(join(dir, 'a.zip'), join(dir, 'ws'), max);
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agentd-ws-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('unpacks files and directories, keeping the executable bit', async () => {
    const zip = await zipOf([
      { name: 'run-tests.sh', data: '#!/bin/sh\necho ok\n', mode: 0o100755 },
      { name: 'src/app.txt', data: 'hello' },
      { name: 'reports/', dir: true },
    ]);
    expect(await extract(zip)).toEqual({ entries: 3, bytes: 23 });
    expect(readFileSync(join(dir, 'ws/src/app.txt'), 'utf8')).toBe('hello');
    expect(statSync(join(dir, 'ws/run-tests.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'ws/src/app.txt')).mode & 0o777).toBe(0o644);
    expect(statSync(join(dir, 'ws/reports')).isDirectory()).toBe(true);
  });

  it.each([
    ['../evil.txt', 'parent segment'],
    ['/etc/evil1', 'absolute'],
    ['a\\..\\..\\x1', 'backslash'],
  ])('refuses the entry %s (%s) and writes nothing outside', async (name, problem) => {
    const placeholder = 'x'.repeat(name.length);
    const zip = renamed(await zipOf([{ name: placeholder, data: 'pwned' }]), placeholder, name);
    await expect(extract(zip)).rejects.toThrow(new WorkspaceError(`entry ${JSON.stringify(name)} is refused: ${problem}`));
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
  });

  it('refuses a symbolic link', async () => {
    const zip = await zipOf([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]);
    await expect(extract(zip)).rejects.toThrow('entry "link" is a symbolic link or special file');
  });

  it('stops at the unpacked size limit, whatever the entry headers say', async () => {
    const zip = await zipOf([{ name: 'big.txt', data: 'z'.repeat(5000) }]);
    await expect(extract(zip, { ...limits, maxWorkspaceBytes: 4096 })).rejects.toThrow('larger than this agent takes once unpacked');
  });

  it('refuses what is not a zip', async () => {
    await expect(extract(Buffer.from('not a zip at all'))).rejects.toThrow('the archive is not a readable zip');
  });

  it('makes the workspace writable by nobody (owner when root, else world-writable)', async () => {
    await extract(await zipOf([{ name: 'src/a.txt', data: 'a' }]));
    await handOverWorkspace(join(dir, 'ws'));
    const info = statSync(join(dir, 'ws/src/a.txt'));
    if (process.getuid?.() === 0) expect([info.uid, info.gid]).toEqual([65534, 65534]);
    else expect(info.mode & 0o666).toBe(0o666);
  });

  describe('downloadArchive', () => {
    let server: Server;
    let url: string;
    let body: Buffer;
    let status = 200;

    beforeEach(async () => {
      server = createServer((req, res) => {
        res.writeHead(status, { 'Content-Type': 'application/zip' });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workspaces/x/1?sig=s`;
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      status = 200;
    });

    it('saves the archive and says how large it was', async () => {
      body = Buffer.from('zipbytes');
      expect(await downloadArchive(url, join(dir, 'got.zip'), 1024, new AbortController().signal)).toBe(8);
      expect(readFileSync(join(dir, 'got.zip'), 'utf8')).toBe('zipbytes');
    });

    it('refuses more than the limit, and names the answer of a refusal', async () => {
      body = Buffer.alloc(2048);
      await expect(downloadArchive(url, join(dir, 'got.zip'), 1024, new AbortController().signal)).rejects.toThrow('the archive is larger than this agent takes');
      status = 403;
      await expect(downloadArchive(url, join(dir, 'got.zip'), 1024, new AbortController().signal)).rejects.toThrow('the jobs service answered 403');
    });
  });
});
