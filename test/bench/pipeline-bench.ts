// npm run bench (or: node --import tsx test/bench/pipeline-bench.ts [--buses in-process,in-process-postgres,kafka,pubsub]
//   [--rate 200] [--duration 20] [--messages 20000]); env BENCH_BUSES, BENCH_RATE, BENCH_DURATION,
//   BENCH_MESSAGES do the same. Kafka comes from KAFKA_BROKERS (else ../shared/kafka is started), the
//   Pub/Sub emulator from PUBSUB_EMULATOR_HOST (else it is started).
//
// Per bus: (1) publish + consume rate of the adapter alone; (2) accept -> `leads` latency: signed
// events at a fixed rate through the real intake, outbox relay, bus and scoring, timed from the 202
// to the lead.queued message reaching a consumer. A benchmark: it prints figures and PASS/MISS.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  type Bus,
  type BusMessage,
  createInProcessBus,
  createKafkaBus,
  startOutboxRelay,
  withNamespace,
} from '@pronto/bus';
import { deletePubSubProject, ensureKafka, ensurePubSubEmulator } from '@pronto/bus/testing';
import { type Database, openDatabase } from '@pronto/db';
import { buildApp } from '@pronto/ingest';
import { startScoring } from '@pronto/scoring';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { seedTenant } from '../support/seed-tenant.ts';
import { BENCH_KEY } from './load.ts';

const BUSES = ['in-process', 'in-process-postgres', 'kafka', 'pubsub'] as const;
type BusKind = (typeof BUSES)[number];
const TARGET_P99: Partial<Record<BusKind, number>> = {
  'in-process': 50,
  'in-process-postgres': 50,
  kafka: 150,
};

const { values: flags } = parseArgs({
  options: {
    buses: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    messages: { type: 'string' },
  },
});
const buses = (flags.buses ?? process.env.BENCH_BUSES ?? BUSES.join(',')).split(',') as BusKind[];
for (const bus of buses)
  if (!BUSES.includes(bus)) throw new Error(`unknown bus ${bus}; use ${BUSES.join(',')}`);
const rate = Number(flags.rate ?? process.env.BENCH_RATE ?? 200);
const durationS = Number(flags.duration ?? process.env.BENCH_DURATION ?? 20);
const messageCount = Number(flags.messages ?? process.env.BENCH_MESSAGES ?? 20_000);
process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/test';
const logger = createLogger({ name: 'bench', level: 'silent' });
const run = randomBytes(3).toString('hex');
const log = (line = '') => process.stdout.write(`${line}\n`);
const cleanups: (() => Promise<void>)[] = [];
let pubsubCleanup = false;

async function openBus(kind: BusKind, db: Database, provision: Record<string, string[]> = {}): Promise<Bus> {
  const namespace = `bench${run}${randomUUID().slice(0, 4)}`;
  if (kind === 'in-process' || kind === 'in-process-postgres')
    return createInProcessBus({ sql: db.sql, logger });
  if (kind === 'kafka')
    return withNamespace(
      createKafkaBus({ brokers: ensureKafka().split(','), clientId: 'bench', logger, partitions: 8 }),
      namespace,
    );
  await ensurePubSubEmulator();
  if (!pubsubCleanup) {
    pubsubCleanup = true;
    cleanups.push(() => deletePubSubProject(`bench-${run}`));
  }
  const { createPubSubBus } = await import('@pronto/bus/pubsub');
  const namespaced = Object.fromEntries(
    Object.entries(provision).map(([topic, groups]) => [
      `${namespace}.${topic}`,
      groups.map((g) => `${namespace}.${g}`),
    ]),
  );
  return withNamespace(
    createPubSubBus({ projectId: `bench-${run}`, logger, provision: namespaced }),
    namespace,
  );
}

/** The embedded database in a fresh folder for the in-process bus; a scratch PostgreSQL database otherwise. */
async function openBenchDatabase(kind: BusKind): Promise<Database> {
  if (kind === 'in-process') {
    const dir = await mkdtemp(join(tmpdir(), 'pronto-bench-'));
    const db = await openDatabase({ dataDir: dir });
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return db;
  }
  const url = await createScratchDatabase();
  cleanups.push(() => dropScratchDatabase(url));
  return openDatabase({ url });
}

const message = (n: number): BusMessage => ({
  id: randomUUID(),
  type: 'bench',
  version: 1,
  occurredAt: new Date().toISOString(),
  key: `key-${n % 100}`,
  payload: { n, padding: 'x'.repeat(400) },
});

/** Messages per second through the adapter alone: publish in batches of 500, one consumer group. */
async function adapterThroughput(kind: BusKind) {
  const db = await openBenchDatabase(kind);
  const bus = await openBus(kind, db);
  try {
    let consumed = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    const subscription = await bus.subscribe({
      topic: 'throughput',
      group: 'bench',
      handler: async () => {
        consumed += 1;
        if (consumed === messageCount) done();
      },
    });
    const start = performance.now();
    for (let n = 0; n < messageCount; n += 500)
      await bus.publish(
        'throughput',
        Array.from({ length: Math.min(500, messageCount - n) }, (_, i) => message(n + i)),
      );
    const published = performance.now();
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 300_000))]);
    const end = performance.now();
    await subscription.close();
    return {
      publishPerSecond: messageCount / ((published - start) / 1000),
      endToEndPerSecond: consumed / ((end - start) / 1000),
      consumed,
    };
  } finally {
    await bus.close();
    await db.close();
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);

/** Accept -> leads message latency at a fixed rate through intake, relay, bus and scoring. */
async function acceptToLeads(kind: BusKind) {
  const db = await openBenchDatabase(kind);
  const masterKey = randomBytes(32);
  await seedTenant(db, { slug: 'demo', key: BENCH_KEY, masterKey, slaClock: 'calendar' });
  const bus = await openBus(kind, db, { intents: ['scoring'], leads: ['observer'] });
  // Latency per lead, from the moment intake accepted it (its receivedAt, taken just before the
  // commit, on this process's clock) to the leads message reaching a consumer. Timing the client's
  // receipt of the 202 instead would be unfair here: client and pipeline share one event loop.
  const arrived = new Map<string, number>();
  const observer = await bus.subscribe({
    topic: 'leads',
    group: 'observer',
    handler: async ({ message: m }) => {
      const { leadId, receivedAt } = m.payload as { leadId: string; receivedAt: string };
      if (!arrived.has(leadId)) arrived.set(leadId, Date.now() - Date.parse(receivedAt));
    },
  });
  const relay = startOutboxRelay({
    sql: db.sql,
    bus,
    logger,
    topics: ['intents'],
    exclusive: db.kind === 'postgres',
  });
  const scoring = await startScoring({ db, bus, logger });
  const app = await buildApp({
    db,
    secretBox: createSecretBox(masterKey),
    logger,
    onEventsCommitted: () => relay.wake(),
  });
  const url = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  const warmupMs = 3_000;
  try {
    const generator = new Worker(new URL('./open-loop-worker.mjs', import.meta.url), {
      workerData: { url: url.toString(), rate, warmupMs, durationMs: durationS * 1000 },
    });
    const { accepted: acceptedIds, rejected } = await new Promise<{ accepted: string[]; rejected: number }>(
      (resolve, reject) => {
        generator.once('message', resolve);
        generator.once('error', reject);
      },
    );
    await generator.terminate();
    const accepted = new Set(acceptedIds);
    const deadline = performance.now() + 60_000;
    while ([...accepted].some((id) => !arrived.has(id)) && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const latencies = [...accepted]
      .filter((id) => arrived.has(id))
      .map((id) => arrived.get(id) as number)
      .sort((a, b) => a - b);
    return {
      events: accepted.size,
      missing: [...accepted].filter((id) => !arrived.has(id)).length,
      rejected,
      p50: quantile(latencies, 0.5),
      p90: quantile(latencies, 0.9),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
    };
  } finally {
    await app.close();
    await relay.stop();
    await scoring.stop();
    await observer.close();
    await bus.close();
    await db.close();
  }
}

async function main() {
  log(
    `Pronto pipeline benchmark: buses ${buses.join(',')}; ${rate} events/s for ${durationS} s after a 3 s warm-up; ${messageCount} messages per adapter run`,
  );
  log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const rows: string[] = [];
  for (const kind of buses) {
    log(`\n[${kind}] ${kind === 'in-process' ? 'embedded PGlite' : 'PostgreSQL'}`);
    const throughput = await adapterThroughput(kind);
    log(
      `  adapter: publish ${throughput.publishPerSecond.toFixed(0)} msgs/s; publish+consume ${throughput.endToEndPerSecond.toFixed(0)} msgs/s (${throughput.consumed}/${messageCount} consumed)`,
    );
    const latency = await acceptToLeads(kind);
    const target = TARGET_P99[kind];
    const verdict =
      target === undefined
        ? '(no target)'
        : latency.p99 <= target
          ? `PASS (<= ${target} ms)`
          : `MISS (target ${target} ms)`;
    log(
      `  accept -> leads at ${rate}/s: p50 ${latency.p50.toFixed(1)} ms, p90 ${latency.p90.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms over ${latency.events} events (${latency.missing} never arrived, ${latency.rejected} not 202) ${verdict}`,
    );
    rows.push(
      `| ${kind} | ${throughput.publishPerSecond.toFixed(0)} | ${throughput.endToEndPerSecond.toFixed(0)} | ${latency.p50.toFixed(1)} | ${latency.p99.toFixed(1)} | ${verdict} |`,
    );
  }
  log('\n| bus | publish msgs/s | publish+consume msgs/s | accept->leads p50 ms | p99 ms | p99 target |');
  log('|---|---|---|---|---|---|');
  for (const row of rows) log(row);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`pipeline bench failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  process.exit(process.exitCode ?? 0);
}
