#!/usr/bin/env node
// Completes package-lock.json with the platform-only optional packages (e.g. @swc/core-darwin-arm64)
// that the npm registry reachable here does not serve: `npm install` then leaves them out of the
// lock, and `npm ci` refuses such a lock ("Missing: ... from lock file") on every machine. Each
// entry gets its os, cpu and libc from the package name, so npm skips it on other platforms and
// never fetches it. Run after `npm install` if `npm ci` reports missing platform packages:
//   node tools/dev/lockfile-platform-entries.js && npm ci --dry-run
const fs = require('fs');
const path = require('path');

const file = path.resolve(__dirname, '../../package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const PLATFORM = /-(android|darwin|freebsd|linux|openharmony|win32)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64|loong64)(?:-(gnueabihf|musleabihf|eabi|gnu|musl|msvc))?$/;

function platformOf(name) {
  const m = name.match(PLATFORM);
  if (!m) return undefined;
  const libc = ['gnu', 'gnueabihf'].includes(m[3]) ? ['glibc'] : ['musl', 'musleabihf'].includes(m[3]) ? ['musl'] : undefined;
  return { os: [m[1]], cpu: [m[2]], libc };
}

const added = [];
for (const parent of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(parent.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const platform = platformOf(name);
    if (lock.packages[key] || !platform) continue;
    lock.packages[key] = {
      version,
      cpu: platform.cpu,
      ...(parent.dev ? { dev: true } : {}),
      ...(platform.libc ? { libc: platform.libc } : {}),
      optional: true,
      os: platform.os,
    };
    added.push(`${name}@${version}`);
  }
}
// npm keeps the entries sorted by path, the root ("") first.
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(added.length ? `added to package-lock.json: ${added.join(', ')}` : 'package-lock.json already complete');
