import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second for /proc CPU times (100 on Linux unless configured otherwise). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used, from /proc; undefined off Linux or once it exited. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after "(comm) ": state is index 0, so utime (field 14) is 11 and stime (15) is 12.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

const notNamed = new Map<string, Set<number>>();

/**
 * CPU seconds used so far by each live process whose command is `name` (e.g. every PostgreSQL
 * backend), by pid. Pids seen once with another command are not read again.
 */
export function cpuSecondsByPid(name: string): Map<number, number> {
  const others = notNamed.get(name) ?? new Set<number>();
  notNamed.set(name, others);
  const found = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (others.has(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== name) {
        others.add(pid);
        continue;
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(pid, (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export interface CpuReport {
  /** Each figure in % of one core over the measured window (the machine has several cores). */
  loadGenerator: number;
  pronto?: number;
  /** All PostgreSQL processes, including backends that exited during the window (sampled). */
  postgres: number;
  /** Busy share of all cores, 0-100 %. */
  machine?: number;
  /** CPU used by anything not listed above (other work on the machine), % of one core. */
  other?: number;
}

/**
 * Starts measuring CPU; the returned function ends the measurement and reports it. PostgreSQL
 * backends are sampled every 250 ms so that those which exit before the end (pgbench's) still count.
 */
export function cpuMeter(
  pids: { pronto?: number | readonly number[] | undefined; extra?: () => number } = {},
) {
  const startedAt = performance.now();
  const self = process.cpuUsage();
  /** The measured server's CPU seconds: one process, or the sum of several (a cluster's workers). */
  const prontoSeconds = () => {
    if (pids.pronto === undefined) return undefined;
    let sum = 0;
    for (const pid of typeof pids.pronto === 'number' ? [pids.pronto] : pids.pronto) {
      const seconds = processCpuSeconds(pid);
      if (seconds === undefined) return undefined;
      sum += seconds;
    }
    return sum;
  };
  const pronto = prontoSeconds();
  const machine = machineTicks();
  const postgres = new Map<number, { first: number; last: number }>();
  const sample = (initial: boolean) => {
    for (const [pid, seconds] of cpuSecondsByPid('postgres')) {
      const seen = postgres.get(pid);
      if (seen) seen.last = seconds;
      else postgres.set(pid, { first: initial ? seconds : 0, last: seconds });
    }
  };
  sample(true);
  const sampler = setInterval(() => sample(false), 250);
  return (): CpuReport => {
    clearInterval(sampler);
    sample(false);
    const wall = (performance.now() - startedAt) / 1000;
    const pct = (seconds: number) => Math.round((seconds / wall) * 100);
    const used = process.cpuUsage(self);
    const prontoNow = prontoSeconds();
    const machineNow = machineTicks();
    const report: CpuReport = {
      loadGenerator: pct((used.user + used.system) / 1e6),
      ...(pronto !== undefined && prontoNow !== undefined ? { pronto: pct(prontoNow - pronto) } : {}),
      postgres: pct([...postgres.values()].reduce((sum, p) => sum + (p.last - p.first), 0)),
    };
    if (machine && machineNow) {
      report.machine = Math.round(
        ((machineNow.busy - machine.busy) / Math.max(1, machineNow.total - machine.total)) * 100,
      );
      const ours = report.loadGenerator + (report.pronto ?? 0) + report.postgres + (pids.extra?.() ?? 0);
      report.other = Math.max(0, Math.round(report.machine * cpus().length - ours));
    }
    return report;
  };
}
