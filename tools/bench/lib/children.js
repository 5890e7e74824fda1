// Child processes of a benchmark: the compiled apps and the ceiling scripts, started with `node`
// from the project root, their output kept (the last 40 lines, for an error message) and echoed
// when asked; stopped with SIGTERM, then SIGKILL after a grace period. Shared by tools/bench/*.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{ root: string, verbose?: boolean, profDir?: string }} options
 *   root: the project root (cwd of every child); verbose: echo every line as `  [name] line`;
 *   profDir: where `node --prof` writes the tick log of a child started with `{ profile: true }`.
 */
function createChildren({ root, verbose = false, profDir }) {
  const children = new Set();

  function startChild(name, args, env, { profile = false, nodeArgs = [] } = {}) {
    if (profile && profDir) {
      fs.mkdirSync(profDir, { recursive: true });
      args = ['--prof', '--no-logfile-per-isolate', `--logfile=${path.join(profDir, `${name}.v8.log`)}`, ...args];
    }
    args = [...nodeArgs, ...args];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.benchName = name;
    child.tail = [];
    child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    child.exited.then(() => children.delete(child));
    const lineListeners = [];
    child.onLine = (fn) => lineListeners.push(fn);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) {
          if (!line.trim()) continue;
          child.tail.push(line);
          if (child.tail.length > 40) child.tail.shift();
          if (verbose) process.stdout.write(`  [${name}] ${line}\n`);
          for (const fn of lineListeners) fn(line);
        }
      });
    }
    children.add(child);
    return child;
  }

  function describeFailure(child, what) {
    const tail = child.tail.length ? `\n  last lines of ${child.benchName}:\n    ${child.tail.join('\n    ')}` : '';
    return new Error(`${child.benchName} ${what}${tail}`);
  }

  async function waitReadyz(child, port, timeoutMs = 60000) {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    child.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw describeFailure(child, 'exited before it was ready');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw describeFailure(child, `was not ready within ${timeoutMs / 1000} s`);
  }

  function waitReadyLine(child, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(describeFailure(child, `did not print READY within ${timeoutMs / 1000} s`)), timeoutMs);
      child.onLine((line) => {
        if (line.trim() === 'READY') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.exited.then(() => {
        clearTimeout(timer);
        reject(describeFailure(child, 'exited before it was ready'));
      });
    });
  }

  /**
   * Runs a ceiling script (`script` with `args`) to its end and finds its result line: the match of
   * `pattern` and every line it printed. An exit code other than 0, or no result line, is an error.
   */
  async function runCeiling(name, script, env, pattern, args = []) {
    if (!fs.existsSync(script)) throw new Error(`${script} not found`);
    const child = startChild(name, [script, ...args], env);
    const lines = [];
    child.onLine((l) => lines.push(l));
    const code = await child.exited;
    const match = lines.map((l) => pattern.exec(l)).find(Boolean);
    if (code !== 0 || !match) throw describeFailure(child, `failed (exit ${code}) or printed no result line`);
    return { match, lines };
  }

  async function stopChild(child, graceMs = 15000) {
    if (!children.has(child)) return;
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill('SIGTERM');
    await child.exited;
    clearTimeout(force);
  }

  async function stopAll() {
    await Promise.all([...children].map((c) => stopChild(c, 5000)));
  }

  return { children, startChild, describeFailure, waitReadyz, waitReadyLine, runCeiling, stopChild, stopAll };
}

module.exports = { createChildren, sleep };
