// npm run bench (or: node --import tsx test/bench/intake-bench.ts [--concurrency 32] [--duration 15]
//   [--warmup 3] [--targets pglite,postgres,half,pgbench] [--half-rate N] [--poison-every N]); env
//   BENCH_CONCURRENCY, BENCH_DURATION (or BENCH_SECONDS), BENCH_WARMUP, BENCH_TARGETS, BENCH_HALF_RATE,
//   BENCH_POISON_EVERY do the same. --poison-every 5 runs each closed loop again with every fifth
//   event one that intake refuses (400), and prints the valid events/s of both runs and their ratio.
//
// Signed events/s and latency of POST /v1/events against the real embedded process, on PGlite and on
// PostgreSQL, next to pgbench's single-row INSERT rate on the same server at the same concurrency
// (the ceiling of one commit per event), then an open-loop run at half the PostgreSQL peak for p99.
// A benchmark, not a test: it prints figures and PASS/MISS per target, and exits 0 either way
// (1 only when it could not measure).
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@pronto/db';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import {
  BENCH_KEY,
  closedLoop,
  type LoadResult,
  openLoop,
  setPoisonEvery,
  signingCostMicros,
} from './load.ts';
import { type PgbenchResult, runPgbench } from './pgbench.ts';
import { type CpuReport, cpuMeter } from './system.ts';
import { undoStack } from './undo-stack.ts';

const TARGETS = ['pglite', 'postgres', 'half', 'pgbench'] as const;
type Target = (typeof TARGETS)[number];

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: 'string', short: 'c' },
    duration: { type: 'string', short: 'd' },
    warmup: { type: 'string', short: 'w' },
    targets: { type: 'string', short: 't' },
    'half-rate': { type: 'string' },
    'poison-every': { type: 'string' },
  },
});
const number = (value: string | undefined, fallback: number, name: string) => {
  const parsed = Number(value ?? fallback);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number`);
  return parsed;
};
const concurrency = Math.round(number(flags.concurrency ?? process.env.BENCH_CONCURRENCY, 32, 'concurrency'));
const durationS = number(
  flags.duration ?? process.env.BENCH_DURATION ?? process.env.BENCH_SECONDS,
  15,
  'duration',
);
const warmupS = Number(flags.warmup ?? process.env.BENCH_WARMUP ?? 3);
const halfRateOverride = flags['half-rate'] ?? process.env.BENCH_HALF_RATE;
const poisonEvery = Math.round(Number(flags['poison-every'] ?? process.env.BENCH_POISON_EVERY ?? 0));
const targets = new Set(
  (flags.targets ?? process.env.BENCH_TARGETS ?? TARGETS.join(','))
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean) as Target[],
);
for (const target of targets)
  if (!TARGETS.includes(target)) throw new Error(`unknown target ${target}; use ${TARGETS.join(',')}`);
if (targets.has('half') && !targets.has('postgres') && !halfRateOverride)
  throw new Error('target half needs postgres (for the peak) or --half-rate');
const baseDatabaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
process.env.DATABASE_URL = baseDatabaseUrl; // createScratchDatabase() reads it

const log = (line = '') => process.stdout.write(`${line}\n`);

const cleanups = undoStack(log);

async function startProntoFor(database: 'pglite' | { url: string }): Promise<ProntoProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pronto-bench-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startPronto({
    PRONTO_DATA_DIR: dataDir,
    PRONTO_DEMO_SECRET: BENCH_KEY.secret,
    // Empty counts as unset: PGlite even when the caller's shell has DATABASE_URL.
    DATABASE_URL: database === 'pglite' ? '' : database.url,
    LOG_LEVEL: 'warn',
  });
  cleanups.push(async () => {
    await server.stop();
  });
  const expected = database === 'pglite' ? 'embedded, in' : 'PostgreSQL (DATABASE_URL)';
  if (!server.output().includes(expected))
    throw new Error(`Pronto did not start on ${expected}:\n${server.output()}`);
  return server;
}

/** Runs `load` with a CPU meter over its measured window. */
async function measured<T>(
  pids: Parameters<typeof cpuMeter>[0],
  load: (onWindow: (phase: 'start' | 'end') => void) => Promise<T>,
): Promise<{ result: T; cpu: CpuReport }> {
  let stopMeter: (() => CpuReport) | undefined;
  let cpu: CpuReport | undefined;
  const result = await load((phase) => {
    if (phase === 'start') stopMeter = cpuMeter(pids);
    else cpu = stopMeter?.();
  });
  cpu ??= stopMeter?.();
  return { result, cpu: cpu ?? { loadGenerator: Number.NaN, postgres: Number.NaN } };
}

interface Phase {
  name: string;
  load: LoadResult;
  cpu: CpuReport;
}

/** The same closed loop with every `poisonEvery`th event refused, right after the clean one. */
async function poisonedPhase(pronto: ProntoProcess, name: string, clean: LoadResult): Promise<Phase> {
  setPoisonEvery(poisonEvery);
  try {
    const run = await measured({ pronto: pronto.child.pid }, (onWindow) =>
      closedLoop(pronto.url, concurrency, warmupS * 1000, durationS * 1000, onWindow),
    );
    const phase = { name: `${name}, every ${poisonEvery}th bad`, load: run.result, cpu: run.cpu };
    log(`  ${describe(phase)}`);
    // A bad event that reached the database would fail its group commit, which says so at warn.
    const redone = pronto.output().split('retrying its events one by one').length - 1;
    log(
      `  valid events/s with every ${poisonEvery}th event bad / without = ${run.result.perSecond.toFixed(0)} / ${clean.perSecond.toFixed(0)} = ${(run.result.perSecond / clean.perSecond).toFixed(2)}; p50 ${ms(run.result.p50)} ms / ${ms(clean.p50)} ms; group commits redone event by event: ${redone}`,
    );
    return phase;
  } finally {
    setPoisonEvery(0);
  }
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
const pct = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '-' : `${value}%`;
function describe(phase: Phase): string {
  const { load, cpu } = phase;
  const rejected = Object.entries(load.rejected)
    .map(([status, count]) => `${count}x${status}`)
    .join(' ');
  return `${phase.name}: ${load.perSecond.toFixed(0)} events/s, p50 ${ms(load.p50)} ms, p90 ${ms(load.p90)} ms, p99 ${ms(load.p99)} ms, max ${ms(load.max)} ms; ${load.ok} ok${rejected ? `, non-2xx ${rejected}` : ', no non-2xx'}; CPU (% of one core) generator ${pct(cpu.loadGenerator)}, pronto ${pct(cpu.pronto)}, postgres ${pct(cpu.postgres)}, other ${pct(cpu.other)}, machine busy ${pct(cpu.machine)}${load.sendLagP99 !== undefined ? `; send lag p99 ${ms(load.sendLagP99)} ms` : ''}`;
}

async function serverFacts(url: string) {
  const db = await openDatabase({ url, poolSize: 2 });
  try {
    const get = async (name: string) =>
      Object.values((await db.sql.query<Record<string, string>>(`SHOW ${name}`))[0] ?? {})[0] ?? '?';
    return {
      version: await get('server_version'),
      synchronousCommit: await get('synchronous_commit'),
      fsync: await get('fsync'),
      walSyncMethod: await get('wal_sync_method'),
      commitDelay: await get('commit_delay'),
      maxConnections: await get('max_connections'),
    };
  } finally {
    await db.close();
  }
}

async function main() {
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
  const signingMicros = signingCostMicros();
  log(
    `Pronto intake benchmark: concurrency ${concurrency}, ${durationS} s per phase after a ${warmupS} s warm-up; targets ${[...targets].join(',')}`,
  );
  log(
    `machine: ${machine.cores} x ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  log(`generator: building + signing one event costs ${signingMicros.toFixed(1)} µs`);

  const phases: Phase[] = [];
  let pgbench: PgbenchResult | undefined;
  let pgbenchCpu: CpuReport | undefined;
  let server: Awaited<ReturnType<typeof serverFacts>> | undefined;

  if (targets.has('pglite')) {
    log('\n[pglite] embedded PGlite, fresh data folder, closed loop');
    const pronto = await startProntoFor('pglite');
    const pglite = await measured({ pronto: pronto.child.pid }, (onWindow) =>
      closedLoop(pronto.url, concurrency, warmupS * 1000, durationS * 1000, onWindow),
    );
    phases.push({ name: 'pglite closed', load: pglite.result, cpu: pglite.cpu });
    log(`  ${describe(phases.at(-1) as Phase)}`);
    if (poisonEvery > 0) phases.push(await poisonedPhase(pronto, 'pglite closed', pglite.result));
    await pronto.stop();
  }

  if (targets.has('postgres') || targets.has('half') || targets.has('pgbench')) {
    const scratch = await createScratchDatabase();
    cleanups.push(() => dropScratchDatabase(scratch));
    server = await serverFacts(scratch);
    log(
      `\nPostgreSQL ${server.version}: synchronous_commit=${server.synchronousCommit}, fsync=${server.fsync}, wal_sync_method=${server.walSyncMethod}, commit_delay=${server.commitDelay}; scratch database ${new URL(scratch).pathname.slice(1)}`,
    );
    if (targets.has('postgres') || targets.has('half')) {
      const pronto = await startProntoFor({ url: scratch });
      let peak: LoadResult | undefined;
      if (targets.has('postgres')) {
        log('\n[postgres] closed loop');
        const run = await measured({ pronto: pronto.child.pid }, (onWindow) =>
          closedLoop(pronto.url, concurrency, warmupS * 1000, durationS * 1000, onWindow),
        );
        peak = run.result;
        phases.push({ name: 'postgres closed', load: run.result, cpu: run.cpu });
        log(`  ${describe(phases.at(-1) as Phase)}`);
        if (poisonEvery > 0) phases.push(await poisonedPhase(pronto, 'postgres closed', run.result));
      }
      if (targets.has('half')) {
        const rate = halfRateOverride
          ? Number(halfRateOverride)
          : Math.max(1, Math.round((peak?.perSecond ?? 2) / 2));
        log(
          `\n[half] open loop at ${rate} events/s (half the closed-loop peak), latency from the scheduled send time`,
        );
        const run = await measured({ pronto: pronto.child.pid }, (onWindow) =>
          openLoop(pronto.url, rate, warmupS * 1000, durationS * 1000, onWindow),
        );
        phases.push({ name: 'postgres open @half', load: run.result, cpu: run.cpu });
        log(`  ${describe(phases.at(-1) as Phase)}`);
      }
      await pronto.stop();
    }
    if (targets.has('pgbench')) {
      log(
        `\n[pgbench] single-row INSERT per transaction, ${concurrency} clients, same server, nothing else running`,
      );
      const run = await measured({}, (onWindow) => runPgbench(scratch, concurrency, durationS, onWindow));
      pgbench = run.result;
      pgbenchCpu = run.cpu;
      // pgbench is the load generator here, not other work on the machine.
      if (pgbenchCpu.other !== undefined && pgbench.pgbenchCpu !== undefined)
        pgbenchCpu.other = Math.max(0, pgbenchCpu.other - pgbench.pgbenchCpu);
      log(`  ${pgbench.command}`);
      log(
        `  ${pgbench.tps.toFixed(0)} tps (without connection time), latency avg ${ms(pgbench.latencyAvgMs)} ms, ${pgbench.transactions} transactions, ${pgbench.failed} failed; CPU pgbench ~${pct(pgbench.pgbenchCpu)}, postgres ${pct(pgbenchCpu.postgres)}, other ${pct(pgbenchCpu.other)}, machine busy ${pct(pgbenchCpu.machine)}`,
      );
    }
  }

  const find = (name: string) => phases.find((p) => p.name === name)?.load;
  const pgliteResult = find('pglite closed');
  const postgresResult = find('postgres closed');
  const halfResult = find('postgres open @half');
  const ratio = postgresResult && pgbench ? postgresResult.perSecond / pgbench.tps : undefined;

  log('\nResults');
  const header = [
    'phase',
    'load',
    'events/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'non-2xx',
    'gen CPU',
    'pronto CPU',
    'pg CPU',
    'other CPU',
    'machine',
  ];
  const rows = phases.map((p) => [
    p.name,
    p.load.mode === 'closed' ? `${p.load.concurrency} in flight` : `${p.load.targetRate}/s offered`,
    p.load.perSecond.toFixed(0),
    ms(p.load.p50),
    ms(p.load.p90),
    ms(p.load.p99),
    ms(p.load.max),
    String(Object.values(p.load.rejected).reduce((a, b) => a + b, 0)),
    pct(p.cpu.loadGenerator),
    pct(p.cpu.pronto),
    pct(p.cpu.postgres),
    pct(p.cpu.other),
    pct(p.cpu.machine),
  ]);
  if (pgbench && pgbenchCpu)
    rows.push([
      'pgbench INSERT',
      `${concurrency} clients`,
      pgbench.tps.toFixed(0),
      '-',
      '-',
      '-',
      '-',
      String(pgbench.failed),
      pct(pgbench.pgbenchCpu),
      '-',
      pct(pgbenchCpu.postgres),
      pct(pgbenchCpu.other),
      pct(pgbenchCpu.machine),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  log(line(header));
  for (const row of rows) log(line(row));
  log(
    `(CPU in % of one core over the measured window: gen = this load generator (pgbench itself on the pgbench row), pg = all PostgreSQL processes, other = anything else on the machine; machine = busy share of all ${machine.cores} cores)`,
  );
  if (ratio !== undefined)
    log(
      `\nratio Pronto-on-PostgreSQL / pgbench INSERT = ${postgresResult?.perSecond.toFixed(0)} / ${pgbench?.tps.toFixed(0)} = ${ratio.toFixed(2)}`,
    );

  const verdicts: { target: string; value: string; pass: boolean }[] = [];
  if (ratio !== undefined)
    verdicts.push({
      target: `PostgreSQL events/s >= pgbench INSERT tps (ratio >= 1.0), synchronous_commit=${server?.synchronousCommit}`,
      value: ratio.toFixed(2),
      pass: ratio >= 1 && server?.synchronousCommit !== 'off',
    });
  if (halfResult)
    verdicts.push({
      target: `PostgreSQL p99 <= 25 ms at half the peak (${halfResult.targetRate}/s offered)`,
      value: `${ms(halfResult.p99)} ms`,
      pass: halfResult.p99 <= 25 && Object.keys(halfResult.rejected).length === 0,
    });
  if (pgliteResult)
    verdicts.push({
      target: 'PGlite >= 1,500 events/s',
      value: pgliteResult.perSecond.toFixed(0),
      pass: pgliteResult.perSecond >= 1500,
    });
  log('\nTargets');
  for (const v of verdicts) log(`  ${v.pass ? 'PASS' : 'MISS'}  ${v.target}: ${v.value}`);

  log(
    `\n${JSON.stringify({
      bench: 'pronto-intake',
      at: new Date().toISOString(),
      options: { concurrency, durationS, warmupS, targets: [...targets] },
      machine,
      postgres: server,
      signingMicros: Number(signingMicros.toFixed(2)),
      phases: phases.map((p) => ({ name: p.name, ...p.load, cpu: p.cpu })),
      pgbench: pgbench && pgbenchCpu ? { ...pgbench, cpu: pgbenchCpu } : undefined,
      ratio,
      targets: verdicts,
    })}`,
  );
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  log(`\nbenchmark failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanups.undoAll();
}
process.exit(failed ? 1 : 0);
