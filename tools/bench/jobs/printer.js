// The job the jobs benchmark runs (jobs-bench.js zips this file as the job's workspace and runs it
// with `node printer.js` in the proctor-bench-node image). It prints "ready", waits until the bench
// writes ./go (its SSE clients follow the job by then), then prints LINES lines
// "line <n> <wall clock ms, to the microsecond>" every INTERVAL_MS ms on a fixed schedule (absolute
// times, so no drift), and exits 0. The time is taken just before each write: the line's "printed"
// moment. Without ./go within GO_TIMEOUT_MS it says so and exits 1.
'use strict';
const fs = require('fs');

const lines = Number(process.env.LINES);
const intervalMs = Number(process.env.INTERVAL_MS);
const goTimeoutMs = Number(process.env.GO_TIMEOUT_MS || 120000);
// performance.timeOrigin is the wall clock when this process started; performance.now() keeps
// microseconds from there (Date.now() has whole milliseconds only).
const wallClock = () => performance.timeOrigin + performance.now();

function printLines() {
  const start = wallClock();
  let n = 0;
  const next = () => {
    n += 1;
    process.stdout.write(`line ${n} ${wallClock().toFixed(3)}\n`);
    if (n < lines) setTimeout(next, Math.max(0, start + n * intervalMs - wallClock()));
  };
  next();
}

process.stdout.write('ready\n');
const waitingSince = Date.now();
const poll = setInterval(() => {
  if (fs.existsSync('go')) {
    clearInterval(poll);
    printLines();
  } else if (Date.now() - waitingSince > goTimeoutMs) {
    process.stdout.write('go never came\n');
    process.exit(1);
  }
}, 5);
