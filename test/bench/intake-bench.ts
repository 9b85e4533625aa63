// npm run bench (or: node --import tsx test/bench/intake-bench.ts [--concurrency 32] [--duration 15]
//   [--warmup 3] [--targets pglite,postgres,ingest,half,pgbench,http] [--half-rate N] [--poison-every N]); env
//   BENCH_CONCURRENCY, BENCH_DURATION (or BENCH_SECONDS), BENCH_WARMUP, BENCH_TARGETS, BENCH_HALF_RATE,
//   BENCH_POISON_EVERY do the same. --poison-every 5 runs each closed loop again with every fifth
//   event one that intake refuses (400), and prints the valid events/s of both runs and their ratio.
//
// Signed events/s and latency of POST /v1/events against the real embedded process, on PGlite and on
// PostgreSQL, and against the intake service alone on PostgreSQL (`services/ingest`, what a deployment
// runs), next to pgbench's single-row INSERT rate on the same server at the same concurrency (the
// ceiling of one commit per event), then an open-loop run at half the intake service's peak for p99.
// Target http measures the ceiling of any HTTP intake here: the same load against a Node server that
// does no work (test/bench/bare-http-server.mjs), in one process and in one per core.
// A benchmark, not a test: it prints figures and PASS/MISS per target, and exits 0 either way
// (1 only when it could not measure).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@pronto/db';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { type ProntoProcess, startPronto } from '../support/pronto-process.ts';
import { seedTenant } from '../support/seed-tenant.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
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

const TARGETS = ['pglite', 'postgres', 'ingest', 'half', 'pgbench', 'http'] as const;
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
if (targets.has('half') && !targets.has('ingest') && !targets.has('postgres') && !halfRateOverride)
  throw new Error('target half needs ingest or postgres (for the peak) or --half-rate');
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

/**
 * The intake service alone (`services/ingest/src/main.ts`), as a deployment runs it, on a scratch
 * database of its own with one tenant and the bench's key; its relay publishes each accepted event to
 * the in-process bus's log on the same server (BUS=in-process: no broker's work counts here).
 */
async function startIngest(): Promise<ServiceProcess> {
  const url = await createScratchDatabase();
  cleanups.push(() => dropScratchDatabase(url));
  const masterKey = randomBytes(32);
  const db = await openDatabase({ url });
  try {
    await seedTenant(db, { slug: 'bench', key: BENCH_KEY, masterKey });
  } finally {
    await db.close();
  }
  const service = await startService({
    name: 'ingest',
    entry: 'services/ingest/src/main.ts',
    // The default LOG_LEVEL (info) logs the ready line; requests themselves are not logged.
    env: { DATABASE_URL: url, BUS: 'in-process', PRONTO_MASTER_KEY: masterKey.toString('base64') },
    ready: /"url":"(http:\/\/[^"]+)"/,
  });
  cleanups.push(async () => {
    await service.stop();
  });
  return service;
}

/** The do-nothing HTTP server (bare-http-server.mjs) with `workers` processes; stopped by the cleanups. */
async function startBareHttp(
  workers: number,
): Promise<{ url: string; pids: number[]; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [new URL('./bare-http-server.mjs', import.meta.url).pathname, String(workers)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  cleanups.push(stop);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+) pids (\S+)/.exec(out);
      if (match) resolve(match[0]);
    });
    void exited.then(() => reject(new Error(`the bare HTTP server exited before it listened: ${out}`)));
  });
  const [, url = '', pids = ''] = /listening (\S+) pids (\S+)/.exec(line) ?? [];
  return { url, pids: pids.split(',').map(Number), stop };
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

/** Rows intake writes per accepted event on PostgreSQL: the event, the lead, its history row, its outbox row. */
const INTAKE_ROWS = 4;

/**
 * The CPU arithmetic behind the PostgreSQL target (µs per event): the whole machine's CPU per event
 * at pgbench's single-row rate, against the least an HTTP intake that stores its rows in shared
 * commits can spend (a do-nothing HTTP server's CPU plus INTAKE_ROWS rows at the grouped cost).
 */
function cpuCeiling(
  cores: number,
  runs: readonly { result: PgbenchResult; cpu: CpuReport }[],
  bare: Phase | undefined,
) {
  const single = runs.find((r) => r.result.rowsPerTransaction === 1);
  const grouped = runs.find((r) => r.result.rowsPerTransaction > 1);
  if (!single || !grouped || !bare || bare.cpu.pronto === undefined) return undefined;
  const micros = (percentOfCore: number, perSecond: number) => (percentOfCore / 100) * (1e6 / perSecond);
  const httpClient = micros(bare.cpu.loadGenerator, bare.load.perSecond);
  const httpServer = micros(bare.cpu.pronto, bare.load.perSecond);
  const groupedRow = micros(grouped.cpu.postgres, grouped.result.tps * grouped.result.rowsPerTransaction);
  const pgbenchClient = micros(single.result.pgbenchCpu ?? 0, single.result.tps);
  const pgbenchServer = micros(single.cpu.postgres, single.result.tps);
  return {
    budget: (cores * 1e6) / single.result.tps,
    pgbenchRow: pgbenchClient + pgbenchServer,
    pgbenchClient,
    pgbenchServer,
    httpClient,
    httpServer,
    groupedRow,
    leastServerSide: httpServer + INTAKE_ROWS * groupedRow,
    leastWithClient: httpClient + httpServer + INTAKE_ROWS * groupedRow,
  };
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
  const pgbenchRuns: { result: PgbenchResult; cpu: CpuReport }[] = [];
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

  if (targets.has('postgres') || targets.has('ingest') || targets.has('half') || targets.has('pgbench')) {
    const scratch = await createScratchDatabase();
    cleanups.push(() => dropScratchDatabase(scratch));
    server = await serverFacts(scratch);
    log(
      `\nPostgreSQL ${server.version}: synchronous_commit=${server.synchronousCommit}, fsync=${server.fsync}, wal_sync_method=${server.walSyncMethod}, commit_delay=${server.commitDelay}; scratch database ${new URL(scratch).pathname.slice(1)}`,
    );
    let peak: LoadResult | undefined;
    if (targets.has('postgres')) {
      const pronto = await startProntoFor({ url: scratch });
      log(
        '\n[postgres] the embedded process (scoring, dispatcher, reporting too) on PostgreSQL, closed loop',
      );
      const run = await measured({ pronto: pronto.child.pid }, (onWindow) =>
        closedLoop(pronto.url, concurrency, warmupS * 1000, durationS * 1000, onWindow),
      );
      peak = run.result;
      phases.push({ name: 'postgres closed', load: run.result, cpu: run.cpu });
      log(`  ${describe(phases.at(-1) as Phase)}`);
      if (poisonEvery > 0) phases.push(await poisonedPhase(pronto, 'postgres closed', run.result));
      await pronto.stop();
    }
    if (targets.has('ingest') || targets.has('half')) {
      const ingest = await startIngest();
      const pid = ingest.child.pid;
      if (targets.has('ingest')) {
        log('\n[ingest] the intake service alone on PostgreSQL (a scratch database of its own), closed loop');
        const run = await measured({ pronto: pid }, (onWindow) =>
          closedLoop(ingest.ready, concurrency, warmupS * 1000, durationS * 1000, onWindow),
        );
        peak = run.result;
        phases.push({ name: 'ingest closed', load: run.result, cpu: run.cpu });
        log(`  ${describe(phases.at(-1) as Phase)}`);
        if (poisonEvery > 0)
          phases.push(await poisonedPhase({ ...ingest, url: ingest.ready }, 'ingest closed', run.result));
      }
      if (targets.has('half')) {
        const rate = halfRateOverride
          ? Number(halfRateOverride)
          : Math.max(1, Math.round((peak?.perSecond ?? 2) / 2));
        log(
          `\n[half] the intake service, open loop at ${rate} events/s (half the closed-loop peak), latency from the scheduled send time`,
        );
        const run = await measured({ pronto: pid }, (onWindow) =>
          openLoop(ingest.ready, rate, warmupS * 1000, durationS * 1000, onWindow),
        );
        phases.push({ name: 'ingest open @half', load: run.result, cpu: run.cpu });
        log(`  ${describe(phases.at(-1) as Phase)}`);
      }
      await ingest.stop();
    }
    if (targets.has('pgbench'))
      for (const rows of new Set([1, concurrency])) {
        log(
          rows === 1
            ? `\n[pgbench] single-row INSERT per transaction, ${concurrency} clients, same server, nothing else running`
            : `\n[pgbench x${rows}] ${rows} rows per INSERT and transaction (the largest group commit ${concurrency} requests in flight can make): what a row costs the server when commits are shared`,
        );
        const run = await measured({}, (onWindow) =>
          runPgbench(scratch, concurrency, durationS, onWindow, rows),
        );
        // pgbench is the load generator here, not other work on the machine.
        if (run.cpu.other !== undefined && run.result.pgbenchCpu !== undefined)
          run.cpu.other = Math.max(0, run.cpu.other - run.result.pgbenchCpu);
        pgbenchRuns.push(run);
        log(`  ${run.result.command}`);
        log(
          `  ${run.result.tps.toFixed(0)} tps (without connection time), ${(run.result.tps * rows).toFixed(0)} rows/s, latency avg ${ms(run.result.latencyAvgMs)} ms, ${run.result.transactions} transactions, ${run.result.failed} failed; CPU pgbench ~${pct(run.result.pgbenchCpu)}, postgres ${pct(run.cpu.postgres)}, other ${pct(run.cpu.other)}, machine busy ${pct(run.cpu.machine)}`,
        );
      }
  }

  if (targets.has('http')) {
    for (const workers of [1, 2]) {
      log(
        `\n[http] the ceiling: the same signed load against a Node server that does no work, ${workers} process${workers > 1 ? 'es' : ''}`,
      );
      const bare = await startBareHttp(workers);
      const run = await measured({ pronto: bare.pids }, (onWindow) =>
        closedLoop(bare.url, concurrency, warmupS * 1000, durationS * 1000, onWindow),
      );
      phases.push({ name: `bare http x${workers}`, load: run.result, cpu: run.cpu });
      log(`  ${describe(phases.at(-1) as Phase)}`);
      await bare.stop();
    }
  }

  /** The single-row run: the target's ceiling. */
  const pgbench = pgbenchRuns.find((run) => run.result.rowsPerTransaction === 1)?.result;
  const find = (name: string) => phases.find((p) => p.name === name)?.load;
  const pgliteResult = find('pglite closed');
  const postgresResult = find('postgres closed');
  const ingestResult = find('ingest closed');
  const halfResult = find('ingest open @half');
  const bareResults = phases.filter((p) => p.name.startsWith('bare http')).map((p) => p.load);
  const bareBest = bareResults.length > 0 ? Math.max(...bareResults.map((r) => r.perSecond)) : undefined;
  /** The target's ratio: what a deployment runs (the intake service) when measured, else the embedded process. */
  const intakeResult = ingestResult ?? postgresResult;
  const ratio = intakeResult && pgbench ? intakeResult.perSecond / pgbench.tps : undefined;

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
  for (const { result, cpu } of pgbenchRuns)
    rows.push([
      result.rowsPerTransaction === 1 ? 'pgbench INSERT' : `pgbench INSERT x${result.rowsPerTransaction}`,
      `${concurrency} clients`,
      `${result.tps.toFixed(0)} tx`,
      '-',
      '-',
      '-',
      '-',
      String(result.failed),
      pct(result.pgbenchCpu),
      '-',
      pct(cpu.postgres),
      pct(cpu.other),
      pct(cpu.machine),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  log(line(header));
  for (const row of rows) log(line(row));
  log(
    `(CPU in % of one core over the measured window: gen = this load generator (pgbench itself on the pgbench row), pg = all PostgreSQL processes, other = anything else on the machine; machine = busy share of all ${machine.cores} cores)`,
  );
  if (pgbench)
    for (const [label, result] of [
      ['the intake service', ingestResult],
      ['the embedded process', postgresResult],
      ['the do-nothing HTTP server (best)', bareBest === undefined ? undefined : { perSecond: bareBest }],
    ] as const)
      if (result)
        log(
          `${label === 'the intake service' ? '\n' : ''}ratio ${label} on PostgreSQL / pgbench INSERT = ${result.perSecond.toFixed(0)} / ${pgbench.tps.toFixed(0)} = ${(result.perSecond / pgbench.tps).toFixed(2)}`,
        );
  if (bareBest !== undefined && pgbench && bareBest < pgbench.tps)
    log(
      '(an HTTP server that does no work answers fewer requests here than pgbench commits rows: no HTTP intake can reach 1.0 on this machine)',
    );

  const ceiling = cpuCeiling(
    machine.cores,
    pgbenchRuns,
    phases.find((p) => p.name === 'bare http x1'),
  );
  if (ceiling) {
    log(
      `\nCPU per event at 1.0 x pgbench on ${machine.cores} cores: at most ${ceiling.budget.toFixed(0)} µs of the whole machine's CPU (pgbench spends ${ceiling.pgbenchRow.toFixed(0)} µs per row: ${ceiling.pgbenchClient.toFixed(0)} client + ${ceiling.pgbenchServer.toFixed(0)} server)`,
    );
    log(
      `  an HTTP request answered by a server that does no work: ${ceiling.httpClient.toFixed(0)} µs in the load generator + ${ceiling.httpServer.toFixed(0)} µs in the server`,
    );
    log(
      `  a row when ${concurrency} share a commit: ${ceiling.groupedRow.toFixed(0)} µs of PostgreSQL; intake writes ${INTAKE_ROWS} per event (the event, the lead, its history row, its outbox row)`,
    );
    log(
      `  least CPU an accepted event can take here, with no validation, signature or JSON at all: ${ceiling.httpServer.toFixed(0)} + ${INTAKE_ROWS} x ${ceiling.groupedRow.toFixed(0)} = ${ceiling.leastServerSide.toFixed(0)} µs server side, ${ceiling.leastWithClient.toFixed(0)} µs with the load generator's share${ceiling.leastServerSide > ceiling.budget ? ' (above the budget even without the load generator: out of reach on this machine)' : ceiling.leastWithClient > ceiling.budget ? ' (above the budget with the load generator)' : ' (within the budget: not shown out of reach)'}`,
    );
  }

  const verdicts: { target: string; value: string; pass: boolean }[] = [];
  if (ratio !== undefined)
    verdicts.push({
      target: `PostgreSQL ${ingestResult ? 'intake service' : 'embedded process'} events/s >= pgbench INSERT tps (ratio >= 1.0), synchronous_commit=${server?.synchronousCommit}`,
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
      pgbench: pgbenchRuns.map((run) => ({ ...run.result, cpu: run.cpu })),
      ratio,
      bareHttpBest: bareBest,
      ceiling,
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
