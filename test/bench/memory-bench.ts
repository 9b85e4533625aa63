// npm run bench (or: node --import tsx test/bench/memory-bench.ts [--leads 100000] [--rate 20] [--duration 120]);
//   env BENCH_MEMORY_LEADS, BENCH_MEMORY_RATE, BENCH_DURATION do the same.
//
// The embedded process's memory with a full database (issue 20): a data folder whose database holds
// --leads closed leads of the demo campaign, each with its signed event (a ~600-byte body), six history
// rows and its report row, written in set-based statements while the process is stopped. Then the real
// embedded process (`npm start`, no demo bots) on it: its resident memory (RSS, from /proc) after
// start, then sampled every second under --rate signed events/s for --duration seconds (open loop),
// the peak and the last sample. A benchmark, not a test: it prints figures and PASS/MISS against
// 400 MB, and exits 0 either way (1 only when it could not measure).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@pronto/db';
import { EMBEDDED_NODE_ARGS, startPronto } from '../support/pronto-process.ts';
import { BENCH_KEY, openLoop } from './load.ts';
import { describeMemory, type MemoryMap, memoryMap } from './memory-map.ts';
import { undoStack } from './undo-stack.ts';

const TARGET_MB = 400;
const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: process.env.BENCH_MEMORY_LEADS ?? '100000' },
    rate: { type: 'string', default: process.env.BENCH_MEMORY_RATE ?? '20' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '120' },
  },
});
const leads = Number(values.leads);
const rate = Number(values.rate);
const durationS = Number(values.duration);
for (const [name, value] of Object.entries({ leads, rate, duration: durationS }))
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);

const log = (line = '') => process.stdout.write(`${line}\n`);
const cleanups = undoStack(log);

/** Resident memory of a process in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb / 1024;
}

/** Fills the stopped process's database: closed leads with their event, history and report row. */
async function fill(dbDir: string): Promise<{ seconds: number; sizeMb: number }> {
  const started = performance.now();
  const db = await openDatabase({ dataDir: dbDir });
  try {
    const [campaign] = await db.sql.query<{ id: string; tenant_id: string }>(
      "SELECT id::text, tenant_id::text FROM campaign WHERE slug = 'cash-loan'",
    );
    if (!campaign) throw new Error('the demo campaign is missing');
    const args = [campaign.tenant_id, campaign.id, leads];
    // One lead per person; arrivals spread over the last 30 days.
    await db.sql.query(
      `INSERT INTO lead (tenant_id, campaign_id, phone_e164, name, status, score, time_zone, received_at,
                         last_intent_at, anchor_at, due_at, first_attempt_at, contacted_at, attempt_count,
                         disposition, closed_at, updated_at)
       SELECT $1::uuid, $2::uuid, '+4860' || lpad(n::text, 7, '0'), 'Person ' || n, 'dispositioned', 50 + n % 50,
              'Europe/Warsaw', t, t, t, t + interval '5 minutes', t + interval '40 seconds',
              t + interval '55 seconds', 1, '{"code":"sale","value":1200,"currency":"PLN"}'::jsonb,
              t + interval '10 minutes', t + interval '10 minutes'
         FROM generate_series(1, $3::int) n,
              LATERAL (SELECT now() - (n * interval '30 days') / $3::int AS t) at`,
      args,
    );
    await db.sql.query(
      `INSERT INTO intent_event (tenant_id, event_id, campaign_id, type, body_sha256, raw_body, occurred_at,
                                 received_at, lead_id, result_status)
       SELECT l.tenant_id, 'memory-' || l.id, l.campaign_id, 'offer_check', md5(l.id::text) || md5(l.phone_e164),
              json_build_object('eventId', 'memory-' || l.id, 'type', 'offer_check', 'campaign', 'cash-loan',
                'occurredAt', l.received_at, 'person', json_build_object('phone', l.phone_e164, 'name', l.name,
                'locale', 'pl-PL', 'email', 'person@example.com'), 'consent', json_build_object('phoneContact', true),
                'offer', json_build_object('product', 'cash_loan', 'amount', 12000, 'currency', 'PLN',
                'page', 'https://bank.example/loans/cash?utm_source=search&utm_campaign=winter'),
                'context', json_build_object('userAgent', repeat('Mozilla/5.0 ', 12)))::text,
              l.received_at, l.received_at, l.id, 'accepted'
         FROM lead l WHERE l.campaign_id = $1::uuid`,
      [campaign.id],
    );
    await db.sql.query(
      `INSERT INTO lead_history (lead_id, at, type, detail)
       SELECT l.id, l.received_at + s.n * interval '30 seconds', s.type, s.detail::jsonb
         FROM lead l,
              (VALUES (0, 'received', '{}'), (1, 'scored', '{"score":72,"factors":{"recency":0.9}}'),
                      (2, 'queued', '{}'), (3, 'offered', '{"group":"sales"}'),
                      (4, 'contacted', '{"attemptId":"a"}'), (5, 'dispositioned', '{"code":"sale"}')) s(n, type, detail)
        WHERE l.campaign_id = $1::uuid`,
      [campaign.id],
    );
    await db.sql.query(
      `INSERT INTO report_lead (lead_id, tenant_id, campaign_id, time_zone, first_seen_at, anchor_at, due_at,
                                first_attempt_at, contacted_at, dials_before_due, last_event, updated_at)
       SELECT id, tenant_id, campaign_id, time_zone, received_at, anchor_at, due_at, first_attempt_at,
              contacted_at, 1, 'dispositioned', updated_at
         FROM lead WHERE campaign_id = $1::uuid`,
      [campaign.id],
    );
    await db.sql.exec('VACUUM ANALYZE');
    const [size] = await db.sql.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database())::text AS bytes',
    );
    return { seconds: (performance.now() - started) / 1000, sizeMb: Number(size?.bytes) / 2 ** 20 };
  } finally {
    await db.close();
  }
}

try {
  log(
    `memory bench: ${leads} leads, ${rate} events/s for ${durationS} s; ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'pronto-memory-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const env = {
    PRONTO_DATA_DIR: dataDir,
    PRONTO_DEMO_SECRET: BENCH_KEY.secret,
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
  };
  // The first start migrates and seeds the demo tenant; the database is filled while it is stopped.
  const seeding = await startPronto(env);
  cleanups.push(async () => {
    await seeding.stop();
  });
  // What a first `npm start` holds: a new database created, the demo seeded, nothing else yet.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const firstStart = rssMb(seeding.child.pid as number);
  log(`RSS 5 s after the first start (new database, demo seeded): ${firstStart.toFixed(0)} MB`);
  await seeding.stop();
  const filled = await fill(join(dataDir, 'db'));
  log(`filled in ${filled.seconds.toFixed(1)} s: database ${filled.sizeMb.toFixed(0)} MB`);

  const pronto = await startPronto(env, 180_000);
  cleanups.push(async () => {
    await pronto.stop();
  });
  const pid = pronto.child.pid as number;
  const afterStart = rssMb(pid);
  log(`RSS after start: ${afterStart.toFixed(0)} MB`);
  log(`  ${describeMemory(memoryMap(pid))}`);
  const samples: number[] = [];
  // What the memory is made of at the highest sample: the database's WebAssembly memory, or the rest.
  let peakMap: MemoryMap | undefined;
  // A long run says where it is every five minutes.
  const sampler = setInterval(() => {
    const rss = rssMb(pid);
    samples.push(rss);
    if (rss >= Math.max(...samples)) peakMap = memoryMap(pid);
    if (samples.length % 300 === 0)
      log(
        `  after ${samples.length} s: RSS ${samples.at(-1)?.toFixed(0)} MB, peak so far ${Math.max(...samples).toFixed(0)} MB; ${describeMemory(memoryMap(pid))}`,
      );
  }, 1_000);
  // An interrupted run stops sampling before it stops the process (newest undo first).
  cleanups.push(async () => clearInterval(sampler));
  const load = await openLoop(pronto.url, rate, 0, durationS * 1000).finally(() => clearInterval(sampler));
  samples.push(rssMb(pid));
  const peak = Math.max(afterStart, ...samples);
  const last = samples.at(-1) ?? afterStart;
  log(
    `under ${rate} events/s for ${durationS} s (${load.ok} answered 2xx, p99 ${load.p99.toFixed(0)} ms): RSS peak ${peak.toFixed(0)} MB, last ${last.toFixed(0)} MB`,
  );
  if (peakMap) log(`  at the highest sample: ${describeMemory(peakMap)}`);
  log(`  at the end: ${describeMemory(memoryMap(pid))}`);
  const pass = peak <= TARGET_MB;
  log(
    `  ${pass ? 'PASS' : 'MISS'}  embedded RSS <= ${TARGET_MB} MB with ${leads} leads: ${peak.toFixed(0)} MB`,
  );
  log(
    JSON.stringify({
      bench: 'pronto-memory',
      at: new Date().toISOString(),
      options: { leads, rate, durationS },
      databaseMb: Math.round(filled.sizeMb),
      rssMb: {
        firstStart: Math.round(firstStart),
        afterStart: Math.round(afterStart),
        peak: Math.round(peak),
        last: Math.round(last),
      },
      atPeak: peakMap,
      // Node's flags for the process, and the settings it inherits that the memory runs compared.
      nodeArgs: EMBEDDED_NODE_ARGS,
      env: {
        MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? null,
        NODE_OPTIONS: process.env.NODE_OPTIONS ?? null,
      },
      pass,
    }),
  );
} catch (error) {
  log(`memory bench could not measure: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanups.undoAll();
}
