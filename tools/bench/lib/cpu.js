// CPU accounting of a benchmark, read from /proc (a cheap profile): the ticks each named child,
// this process (it runs autocannon), RabbitMQ, all Postgres backends and the whole machine used
// between two snapshots. Shared by tools/bench/*.
'use strict';
const fs = require('fs');
const os = require('os');

const CLK_TCK = 100;

function readProcTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime
  } catch {
    return undefined;
  }
}

/** CPU ticks per group: the named children, this process (autocannon), RabbitMQ, Postgres, the machine. */
function cpuSnapshot(named) {
  const groups = {};
  let irq;
  const add = (group, ticks) => (groups[group] = (groups[group] ?? 0) + ticks);
  const namedPids = new Map(named.map((c) => [String(c.pid), c.benchName]));
  let pids = [];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    // no /proc: no CPU figures
  }
  for (const pid of pids) {
    const info = readProcTicks(pid);
    if (!info) continue;
    if (namedPids.has(pid)) add(namedPids.get(pid), info.ticks);
    else if (pid === String(process.pid)) add('autocannon', info.ticks);
    else if (info.comm === 'beam.smp') add('rabbitmq', info.ticks);
    else if (info.comm === 'postgres') add('postgres', info.ticks);
  }
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] || 0);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    groups['machine busy'] = total - idle;
    groups['machine total'] = total;
    // Interrupts (loopback TCP runs in softirq): busy time no process is charged with. Kept apart
    // from the groups, which cpuUsage reports.
    irq = (cpu[5] || 0) + (cpu[6] || 0);
  } catch {
    // no /proc/stat
  }
  return { at: process.hrtime.bigint(), groups, irq };
}

/** % of one core per group between two snapshots; "machine busy" is % of all cores. */
function cpuUsage(before, after) {
  const seconds = Number(after.at - before.at) / 1e9;
  const out = {};
  for (const [group, ticks] of Object.entries(after.groups)) {
    if (group === 'machine total') continue;
    const delta = ticks - (before.groups[group] ?? 0);
    if (group === 'machine busy') {
      const total = after.groups['machine total'] - before.groups['machine total'];
      out[group] = total > 0 ? Math.round((100 * delta) / total) : 0;
    } else {
      out[group] = Math.round((100 * delta) / CLK_TCK / seconds);
    }
  }
  return out;
}

/**
 * What the rest of the machine used between two snapshots, in % of one core: `irq`, the kernel's
 * interrupt time (loopback networking, charged to no process), and `others`, the machine's busy
 * time less that of every group and of the interrupts (on a shared machine: other people's work).
 */
function cpuOthers(before, after) {
  const seconds = Number(after.at - before.at) / 1e9;
  if (after.groups['machine busy'] === undefined || seconds <= 0) return undefined;
  let ours = 0;
  for (const [group, ticks] of Object.entries(after.groups)) {
    if (group === 'machine busy' || group === 'machine total') continue;
    ours += ticks - (before.groups[group] ?? 0);
  }
  const busy = after.groups['machine busy'] - before.groups['machine busy'];
  const irq = (after.irq ?? 0) - (before.irq ?? 0);
  const pct = (ticks) => Math.max(0, Math.round((100 * ticks) / CLK_TCK / seconds));
  return { irq: pct(irq), others: pct(busy - ours - irq) };
}

function formatCpu(usage) {
  const machine = usage['machine busy'];
  const parts = Object.entries(usage)
    .filter(([g]) => g !== 'machine busy')
    .sort((a, b) => b[1] - a[1])
    .map(([g, v]) => `${g} ${v}%`);
  return `${parts.join(', ')} (of one core)${machine !== undefined ? `; machine ${machine}% busy (${os.cpus().length} cores)` : ''}`;
}

module.exports = { CLK_TCK, readProcTicks, cpuSnapshot, cpuUsage, cpuOthers, formatCpu };
