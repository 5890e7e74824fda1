// CPU accounting of a benchmark, read from /proc (a cheap profile): the ticks each named child,
// this process (it runs autocannon), RabbitMQ, all Postgres backends, Docker (the engine and what
// runs in containers) and the whole machine used between two snapshots; the machine's load before
// a run; CPU per unit of work. Shared by tools/bench/*.
'use strict';
const fs = require('fs');
const os = require('os');
const { round } = require('./stats');

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

const DOCKER_COMMS = new Set(['dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v2', 'runc', 'docker-proxy']);

/** Whether a process is the Docker engine's or runs in a container (its cgroup says docker). */
function isDocker(pid, comm) {
  if (DOCKER_COMMS.has(comm)) return true;
  try {
    return /docker/.test(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * CPU ticks of each process of a group (the named children, this process as "autocannon", RabbitMQ,
 * every Postgres backend, the Docker engine with what runs in containers) and of the machine. Kept per process: a Postgres backend that ends between
 * two snapshots takes its ticks with it, and a sum per group would then go down.
 */
function cpuSnapshot(named) {
  const groups = {};
  const processes = new Map();
  let irq;
  const add = (group, pid, ticks) => processes.set(pid, { group, ticks });
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
    if (namedPids.has(pid)) add(namedPids.get(pid), pid, info.ticks);
    else if (pid === String(process.pid)) add('autocannon', pid, info.ticks);
    else if (info.comm === 'beam.smp') add('rabbitmq', pid, info.ticks);
    else if (info.comm === 'postgres') add('postgres', pid, info.ticks);
    else if (isDocker(pid, info.comm)) add('docker', pid, info.ticks);
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
  return { at: process.hrtime.bigint(), groups, processes, irq };
}

/** Ticks each group used between two snapshots: of the processes alive at the second (a process that ended meanwhile is not counted). */
function groupTicks(before, after) {
  const ticks = {};
  for (const [pid, { group, ticks: now }] of after.processes) {
    const then = before.processes.get(pid);
    ticks[group] = (ticks[group] ?? 0) + Math.max(0, now - (then?.group === group ? then.ticks : 0));
  }
  return ticks;
}

/** % of one core per group between two snapshots; "machine busy" is % of all cores. */
function cpuUsage(before, after) {
  const seconds = Number(after.at - before.at) / 1e9;
  const out = {};
  for (const [group, ticks] of Object.entries(groupTicks(before, after))) out[group] = Math.round((100 * ticks) / CLK_TCK / seconds);
  if (after.groups['machine busy'] !== undefined) {
    const delta = after.groups['machine busy'] - before.groups['machine busy'];
    const total = after.groups['machine total'] - before.groups['machine total'];
    out['machine busy'] = total > 0 ? Math.round((100 * delta) / total) : 0;
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
  const ours = Object.values(groupTicks(before, after)).reduce((a, b) => a + b, 0);
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

/** What the machine does without us: % busy of all cores over a few seconds, and the load average. */
async function machineLoad(seconds = 3) {
  const before = cpuSnapshot([]);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const usage = cpuUsage(before, cpuSnapshot([]));
  return { busy_pct: usage['machine busy'] ?? null, loadavg: os.loadavg().map((l) => round(l, 2)), cores: os.cpus().length };
}

/** CPU milliseconds per request of each process (and of interrupts), from % of one core at `perSecond` requests a second. */
function cpuPerRequest(cpu, irqPct, perSecond) {
  const out = {};
  if (!(perSecond > 0)) return out;
  for (const [group, pct] of Object.entries(cpu)) if (group !== 'machine busy') out[group] = round((pct * 10) / perSecond, 3);
  if (irqPct !== null && irqPct !== undefined) out.interrupts = round((irqPct * 10) / perSecond, 3);
  out.total = round(Object.values(out).reduce((a, b) => a + b, 0), 3);
  return out;
}

function formatPerRequest(perRequest) {
  const { total, ...parts } = perRequest;
  return `${Object.entries(parts).sort((a, b) => b[1] - a[1]).map(([g, ms]) => `${g} ${ms}`).join(', ')}; total ${total} ms`;
}

module.exports = { CLK_TCK, readProcTicks, cpuSnapshot, cpuUsage, cpuOthers, formatCpu, machineLoad, cpuPerRequest, formatPerRequest };
