#!/usr/bin/env node
// `npm test`: checks that Postgres and RabbitMQ answer, builds, runs Jest over both projects (unit
// and integration; extra arguments are passed to Jest), and prints as its last line
// `tests: N passed, N failed`. A suite that crashes before its tests run counts as one failure,
// and a run in which no test ran fails.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const { dependencyProblems } = require('../dev/reachability');

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Passed, failed and a note, from Jest's --json result; a missing result is one failure. */
function readResult(file) {
  let result;
  try {
    result = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { passed: 0, failed: 1, note: 'run-tests: Jest wrote no result (it failed before running tests)' };
  }
  const crashed = result.numRuntimeErrorTestSuites ?? 0;
  return {
    passed: result.numPassedTests ?? 0,
    failed: (result.numFailedTests ?? 0) + crashed,
    note: crashed > 0 ? `run-tests: ${crashed} test suite(s) failed to run; each counts as one failure` : undefined,
  };
}

async function main() {
  const problems = await dependencyProblems({ databaseUrl: DATABASE_URL, amqpUrl: AMQP_URL });
  if (problems.length > 0) {
    for (const problem of problems) console.error(`run-tests: ${problem}`);
    process.exit(1);
  }

  // Jest compiles the sources itself; the build is checked here so that a type error fails the run.
  const build = spawnSync(process.execPath, [path.join(root, 'tools/build/build.js')], { cwd: root, stdio: 'inherit' });
  const buildFailed = build.status !== 0;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-jest-'));
  const outputFile = path.join(dir, 'result.json');
  // --passWithNoTests makes Jest write a result even when nothing matched; no test ran still fails below.
  // --forceExit: a handle a test leaked must not hold CI until its time limit.
  const jestArgs = ['--ci', '--json', `--outputFile=${outputFile}`, '--maxWorkers=2', '--passWithNoTests', '--forceExit', ...process.argv.slice(2)];
  spawnSync(process.execPath, [require.resolve('jest/bin/jest'), ...jestArgs], { cwd: root, stdio: 'inherit' });
  const { passed, failed, note } = readResult(outputFile);
  fs.rmSync(dir, { recursive: true, force: true });

  if (note) console.log(note);
  if (buildFailed) console.log('run-tests: the build failed (see tsc output above)');
  if (passed + failed === 0) console.log('run-tests: no test ran');
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 || buildFailed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
