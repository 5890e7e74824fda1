#!/usr/bin/env node
// Compiles every app and lib in one TypeScript program into dist/, then makes the libs resolvable
// at run time as `@proctor/<lib>` (dist/node_modules/@proctor/<lib> re-exports the compiled lib),
// so that compiled apps run with plain `node dist/apps/<app>/src/main.js`.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
  cwd: root,
});
for (const lib of fs.readdirSync(path.join(root, 'libs'))) {
  const target = path.join(root, 'dist/libs', lib, 'src/index.js');
  if (!fs.existsSync(target)) continue;
  const dir = path.join(root, 'dist/node_modules/@proctor', lib);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.js'), `module.exports = require('../../../libs/${lib}/src/index.js');\n`);
}
