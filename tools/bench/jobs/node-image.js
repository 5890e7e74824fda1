// The image the jobs benchmark runs its printing jobs in, proctor-bench-node:latest: this machine's
// node binary and the shared libraries `ldd` lists for it, nothing else, imported with `docker
// import` (no registry to pull from here). The runner image (static busybox) has no sub-second
// clock, and the log latency needs the container to print its own precise timestamps.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NODE_IMAGE = 'proctor-bench-node:latest';

/** The files `ldd` names for a binary, the loader included (the vDSO has no file). */
function sharedLibraries(binary) {
  const ldd = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (ldd.status !== 0) throw new Error(`ldd ${binary} failed: ${ldd.stderr || ldd.stdout}`);
  return ldd.stdout
    .split('\n')
    .map((line) => /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)/.exec(line)?.[1])
    .filter(Boolean);
}

/** Copies a file to the same path under `rootfs`, following links (the loader finds each library where ldd saw it). */
function copyInto(rootfs, file, mode) {
  const target = path.join(rootfs, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(fs.realpathSync(file), target);
  fs.chmodSync(target, mode);
}

/** Builds the image unless it exists; returns what it did and the image's size. */
function ensureNodeImage() {
  const inspect = () => spawnSync('docker', ['image', 'inspect', NODE_IMAGE, '--format', '{{.Size}}'], { encoding: 'utf8' });
  const present = inspect();
  if (present.status === 0) return { image: NODE_IMAGE, built: false, bytes: Number(present.stdout.trim()) };
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-bench-node-'));
  try {
    const node = fs.realpathSync(process.execPath);
    copyInto(rootfs, node, 0o755);
    for (const lib of sharedLibraries(node)) copyInto(rootfs, lib, 0o755);
    fs.mkdirSync(path.join(rootfs, 'tmp'), { mode: 0o1777 });
    fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
    fs.mkdirSync(path.join(rootfs, 'workspace'), { mode: 0o755 });
    const imported = spawnSync(
      'sh',
      [
        '-c',
        `tar -C "$ROOTFS" --numeric-owner --owner=0 --group=0 -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'WORKDIR /workspace' -m "$MESSAGE" - "$IMAGE"`,
      ],
      { encoding: 'utf8', env: { ...process.env, ROOTFS: rootfs, IMAGE: NODE_IMAGE, MESSAGE: `proctor jobs benchmark: node ${process.version} and its libraries` } },
    );
    if (imported.status !== 0) throw new Error(`docker import of ${NODE_IMAGE} failed: ${imported.stderr}`);
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
  const built = inspect();
  if (built.status !== 0) throw new Error(`${NODE_IMAGE} is missing after docker import`);
  return { image: NODE_IMAGE, built: true, bytes: Number(built.stdout.trim()) };
}

module.exports = { NODE_IMAGE, ensureNodeImage };
