// npm run bench (or: node --import tsx test/bench/dispatch-bench.ts [--instances 1,2,3] [--agents 200]
//   [--rate 150] [--duration 30] [--latency-rate 10]); env BENCH_DISPATCHERS, BENCH_AGENTS,
//   BENCH_CYCLE_RATE, BENCH_DURATION, BENCH_LATENCY_RATE do the same. Kafka comes from KAFKA_BROKERS
//   (else ../shared/kafka is started); PostgreSQL from DATABASE_URL (a scratch database is made on it).
//
// The whole cycle on PostgreSQL and Kafka, with 1, 2 and 3 dispatcher instances: ingest, scoring,
// the simulated dialer and each dispatcher run as their own processes (their real main.ts); the bench
// agents (200 by default) listen on `offers` and answer on `agent-commands` as the gateway would,
// taking every offer and recording a sale once connected; the dialer's calls are answered at once and
// last milliseconds. Per instance count: (1) leads/s through the whole cycle (signed event accepted
// -> scored -> queued -> offered -> accepted -> dialed -> contacted -> dispositioned) with more
// events sent than the cycle takes; (2) accept -> offer (the 202 to the offer reaching a bench
// agent) at a rate the cycle keeps up with; (3) where the time goes: each hop of the lead's history,
// and the CPU of each process. A benchmark: it prints figures, and exits 0 (1 only when it could not
// measure).
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { type Bus, createKafkaBus, withNamespace } from '@pronto/bus';
import { ensureKafka } from '@pronto/bus/testing';
import type { AgentUpdateV1 } from '@pronto/contracts';
import { type Database, openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { seedTenant } from '../support/seed-tenant.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { BENCH_KEY, postEvent } from './load.ts';
import { processCpuSeconds } from './system.ts';
import { undoStack } from './undo-stack.ts';

const { values: flags } = parseArgs({
  options: {
    instances: { type: 'string' },
    agents: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    'latency-rate': { type: 'string' },
  },
});
const instanceCounts = (flags.instances ?? process.env.BENCH_DISPATCHERS ?? '1,2,3').split(',').map(Number);
const agentCount = Number(flags.agents ?? process.env.BENCH_AGENTS ?? 200);
const cycleRate = Number(flags.rate ?? process.env.BENCH_CYCLE_RATE ?? 150);
const durationS = Number(flags.duration ?? process.env.BENCH_DURATION ?? 30);
const latencyRate = Number(flags['latency-rate'] ?? process.env.BENCH_LATENCY_RATE ?? 10);
for (const value of [...instanceCounts, agentCount, cycleRate, durationS, latencyRate])
  if (!Number.isFinite(value) || value <= 0) throw new Error('every flag must be a positive number');
process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/test';

const log = (line = '') => process.stdout.write(`${line}\n`);
const logger = createLogger({ name: 'bench', level: 'silent' });
const cleanups = undoStack(log);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls answered at once that last a few milliseconds: the agent is free again right after. */
const FAST_ANSWERED = {
  rates: { answered: 1, no_answer: 0, busy: 0, voicemail: 0, failed: 0 },
  agentRingMs: [0, 0],
  personRingMs: [0, 5],
  talkMs: [0, 10],
  postDialDelayMs: 0,
};
const ALWAYS_OPEN = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];
/** The lead's history, in the cycle's order: each hop is the time between two of these. */
const HOPS = ['received', 'scored', 'queued', 'offered', 'dialing', 'contacted', 'dispositioned'] as const;

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(0));

/** What the bench agents saw: when each lead's first offer reached them. */
class Desk {
  readonly offers = new Map<string, number>();
  private readonly answered = new Set<string>();

  constructor(
    private readonly bus: Bus,
    private readonly tenantId: string,
  ) {}

  private say(agentId: string, command: string, extra: Record<string, unknown>) {
    const at = new Date().toISOString();
    return this.bus.publish('agent-commands', [
      {
        type: 'agent.command',
        version: 1,
        id: randomUUID(),
        occurredAt: at,
        key: agentId,
        payload: { agentId, tenantId: this.tenantId, command, at, ...extra },
      },
    ]);
  }

  /** Takes every offer at once; records a sale once connected (or in wrap-up). */
  async handle(update: AgentUpdateV1['payload']) {
    const attempt = update.attempt;
    if (!attempt) return;
    const key = `${attempt.attemptId}:${attempt.stage}`;
    if (this.answered.has(key)) return;
    if (attempt.stage === 'offered') {
      this.answered.add(key);
      if (!this.offers.has(attempt.lead.leadId)) this.offers.set(attempt.lead.leadId, Date.now());
      await this.say(update.agentId, 'accept', { attemptId: attempt.attemptId });
    } else if ((attempt.stage === 'connected' || attempt.stage === 'wrap_up') && !attempt.disposition) {
      this.answered.add(`${attempt.attemptId}:connected`);
      this.answered.add(`${attempt.attemptId}:wrap_up`);
      await this.say(update.agentId, 'disposition', {
        attemptId: attempt.attemptId,
        disposition: { code: 'sale', value: 500, currency: 'PLN' },
      });
    }
  }
}

/**
 * Signed events at `rate` per second for `seconds`, each answered 202 recorded with the moment its
 * answer arrived (epoch ms). An open loop: the next event goes out on time whatever the last did.
 */
async function sendEvents(url: URL, rate: number, seconds: number) {
  const http = new Agent({ keepAlive: true, maxSockets: 256 });
  const accepted = new Map<string, number>();
  let refused = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round(rate * seconds);
  try {
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait >= 1) await sleep(wait);
      let body = '';
      const sending = postEvent(url, http, (text) => {
        body = text;
      }).then((status) => {
        const leadId = (JSON.parse(body || '{}') as { leadId?: string }).leadId;
        if (status === 202 && leadId) accepted.set(leadId, Date.now());
        else refused += 1;
      });
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    await Promise.all(inFlight);
  } finally {
    http.destroy();
  }
  return { accepted, refused };
}

/**
 * The cycle's steady rate over the leads given: how many were dispositioned between the moment a
 * tenth of them were and the moment nine tenths were, per second (the start and the tail left out).
 */
async function steadyRate(db: Database, leadIds: string[]) {
  const rows = await db.sql.query<{ at: number }>(
    `SELECT (extract(epoch FROM at) * 1000)::float8 AS at FROM lead_history
      WHERE lead_id = ANY($1::uuid[]) AND type = 'dispositioned' ORDER BY at`,
    [leadIds],
  );
  const times = rows.map((row) => Number(row.at));
  const from = Math.floor(times.length * 0.1);
  const to = Math.ceil(times.length * 0.9) - 1;
  const spanS = ((times[to] ?? 0) - (times[from] ?? 0)) / 1000;
  return { dispositioned: times.length, perSecond: spanS > 0 ? (to - from) / spanS : Number.NaN, spanS };
}

/** Waits until every lead sent so far is dispositioned (or `timeoutMs` passed); returns how many are not. */
async function drain(db: Database, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM lead WHERE status NOT IN ('dispositioned', 'suppressed', 'expired')`,
    );
    if (row?.n === 0 || Date.now() > deadline) return row?.n ?? 0;
    await sleep(500);
  }
}

/**
 * Per hop of the cycle, p50 and p90 over the leads given (ms), from their history; with `offers`,
 * also from the offer's commit to its arrival at a bench agent.
 */
async function hops(db: Database, leadIds: string[], offers?: Map<string, number>) {
  const rows = await db.sql.query<{ lead_id: string; type: string; at: number }>(
    `SELECT lead_id, type, (extract(epoch FROM min(at)) * 1000)::float8 AS at FROM lead_history
      WHERE lead_id = ANY($1::uuid[]) AND type = ANY($2::text[]) GROUP BY lead_id, type`,
    [leadIds, [...HOPS]],
  );
  const byLead = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const lead = byLead.get(row.lead_id) ?? new Map<string, number>();
    byLead.set(row.lead_id, lead);
    lead.set(row.type, Number(row.at));
  }
  if (offers)
    for (const [leadId, lead] of byLead) {
      const arrived = offers.get(leadId);
      if (arrived !== undefined) lead.set('at the agent', arrived);
    }
  const order: string[] = offers ? ['received', 'scored', 'queued', 'offered', 'at the agent'] : [...HOPS];
  return order.slice(1).map((to, index) => {
    const from = order[index] as string;
    const gaps = [...byLead.values()]
      .filter((lead) => lead.has(from) && lead.has(to))
      .map((lead) => (lead.get(to) as number) - (lead.get(from) as number))
      .sort((a, b) => a - b);
    return { hop: `${from} -> ${to}`, p50: quantile(gaps, 0.5), p90: quantile(gaps, 0.9) };
  });
}

type TableWrites = Map<string, { ins: number; upd: number; del: number }>;

/** Rows inserted, updated and deleted so far, per table, as PostgreSQL's statistics count them. */
async function tableWrites(db: Database): Promise<TableWrites> {
  // Statistics reach the view a moment after each transaction ends.
  await sleep(1_500);
  const rows = await db.sql.query<{ relname: string; ins: string; upd: string; del: string }>(
    'SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables',
  );
  return new Map(
    rows.map((row) => [row.relname, { ins: Number(row.ins), upd: Number(row.upd), del: Number(row.del) }]),
  );
}

/** Per table, the rows written per lead between two readings: "table ins/upd/del". */
function writesPerLead(before: TableWrites, after: TableWrites, leads: number): string {
  const parts: string[] = [];
  let total = 0;
  for (const [table, now] of [...after.entries()].sort()) {
    const was = before.get(table) ?? { ins: 0, upd: 0, del: 0 };
    const per = [now.ins - was.ins, now.upd - was.upd, now.del - was.del].map((n) => n / leads);
    const sum = per.reduce((a, b) => a + b, 0);
    if (sum < 0.05) continue;
    total += sum;
    parts.push(`${table} ${per.map((n) => n.toFixed(1)).join('/')}`);
  }
  return `${total.toFixed(1)} rows written per lead (inserted/updated/deleted): ${parts.join(', ')}`;
}

/**
 * CPU seconds of each Pronto process and of this one so far. PostgreSQL and Kafka are left out:
 * on a shared machine their servers also serve other work (the rows written per lead, read from the
 * scratch database's own statistics, measure the database's share instead).
 */
function cpuNow(processes: Map<string, ServiceProcess[]>) {
  const seconds = new Map<string, number>();
  for (const [name, list] of processes)
    seconds.set(
      name,
      list.reduce((sum, service) => sum + (processCpuSeconds(service.child.pid as number) ?? 0), 0),
    );
  seconds.set('bench (load + agents)', process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6);
  return seconds;
}

async function main() {
  log(
    `Pronto dispatch benchmark: ${instanceCounts.join(', ')} dispatcher instance(s), ${agentCount} bench agents; cycle at ${cycleRate} events/s for ${durationS} s; accept -> offer at ${latencyRate} events/s for ${durationS} s`,
  );
  log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const brokers = ensureKafka();
  const namespace = `dbench${randomBytes(3).toString('hex')}`;
  const masterKey = randomBytes(32);
  const url = await createScratchDatabase();
  cleanups.push(() => dropScratchDatabase(url));
  const db = await openDatabase({ url });
  cleanups.push(() => db.close());
  await seedTenant(db, { slug: 'bench', key: BENCH_KEY, masterKey });
  const [tenant] = await db.sql.query<{ id: string }>(`SELECT id FROM tenant WHERE slug = 'bench'`);
  const tenantId = tenant?.id as string;
  await db.sql.query(
    `UPDATE campaign SET agent_groups = '{bench}', dialer_profile = $2::jsonb, calling_windows = $3::jsonb,
            retry_policy = '{"shortDelaysSeconds":[1800],"cadenceSeconds":[1800]}'::jsonb
      WHERE tenant_id = $1`,
    [tenantId, JSON.stringify(FAST_ANSWERED), JSON.stringify(ALWAYS_OPEN)],
  );
  await db.sql.query(
    `INSERT INTO agent (tenant_id, username, display_name, password_hash, groups, state, state_since)
     SELECT $1, 'bench' || n, 'Bench agent ' || n, 'not-used', '{bench}', 'available', now()
       FROM generate_series(1, $2) AS n`,
    [tenantId, agentCount],
  );

  const env = {
    DATABASE_URL: url,
    BUS: 'kafka',
    KAFKA_BROKERS: brokers,
    BUS_NAMESPACE: namespace,
    LOG_LEVEL: 'info',
  };
  const processes = new Map<string, ServiceProcess[]>();
  const start = async (name: string, extra: Record<string, string>, ready: RegExp) => {
    const service = await startService({
      name,
      entry: `services/${name}/src/main.ts`,
      env: { ...env, ...extra },
      ready,
    });
    cleanups.push(async () => {
      await service.stop();
    });
    processes.set(name, [...(processes.get(name) ?? []), service]);
    return service;
  };
  const ingest = await start(
    'ingest',
    { PRONTO_MASTER_KEY: masterKey.toString('base64') },
    /"url":"(http:\/\/[^"]+)"/,
  );
  await start('scoring', {}, /"msg":"(scoring intents|listening)"/);
  await start('dialer', { DIALER: 'simulated' }, /"msg":"(dialing|listening)"/);

  const bus = withNamespace(
    createKafkaBus({ brokers: brokers.split(','), clientId: 'bench-agents', logger }),
    namespace,
  );
  cleanups.push(() => bus.close());
  const desk = new Desk(bus, tenantId);
  await bus.subscribe({
    topic: 'offers',
    group: 'bench-agents',
    handler: async ({ message }) => desk.handle((message as { payload: AgentUpdateV1['payload'] }).payload),
  });

  const rows: string[] = [];
  for (let instances = 1; instances <= Math.max(...instanceCounts); instances++) {
    await start('dispatcher', {}, /"msg":"(dispatching leads|listening)"/);
    if (!instanceCounts.includes(instances)) continue;
    // The instances settle on their shares: each holds shards once the others gave theirs back.
    const settleDeadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await db.sql.query<{ holders: number; held: number }>(
        `SELECT count(DISTINCT holder)::int AS holders, count(holder)::int AS held FROM dispatch_shard
          WHERE expires_at > now()`,
      );
      if ((row?.holders === instances && row.held === 32) || Date.now() > settleDeadline) break;
      await sleep(500);
    }
    log(`\n[${instances} dispatcher instance(s)]`);
    const base = new URL(ingest.ready);

    // (1) The cycle's rate: more events than it takes, leads/s dispositioned in the window.
    const writesBefore = await tableWrites(db);
    const cpuBefore = cpuNow(processes);
    const windowStart = Date.now();
    const cycle = await sendEvents(base, cycleRate, durationS);
    const left = await drain(db, 300_000);
    const windowS = (Date.now() - windowStart) / 1000;
    const cpuAfter = cpuNow(processes);
    const steady = await steadyRate(db, [...cycle.accepted.keys()]);
    const perSecond = steady.perSecond;
    log(
      `  cycle: ${cycle.accepted.size} events accepted (${cycle.refused} not 202) at ${cycleRate}/s; ${steady.dispositioned} dispositioned, ${left} not; steady rate (10th to 90th percentile, ${steady.spanS.toFixed(1)} s): ${perSecond.toFixed(1)} leads/s`,
    );
    log(
      `  CPU per lead, ms (sending and draining, ${windowS.toFixed(1)} s): ${[...cpuAfter.entries()]
        .map(
          ([name, seconds]) =>
            `${name} ${(((seconds - (cpuBefore.get(name) ?? 0)) * 1000) / Math.max(1, cycle.accepted.size)).toFixed(1)}`,
        )
        .join(', ')}`,
    );
    log(`  ${writesPerLead(writesBefore, await tableWrites(db), cycle.accepted.size)}`);
    const cycleHops = await hops(db, [...cycle.accepted.keys()]);
    log(
      `  hops under that load (p50 / p90 ms): ${cycleHops.map((h) => `${h.hop} ${ms(h.p50)} / ${ms(h.p90)}`).join('; ')}`,
    );

    // (2) Accept -> offer at a rate the cycle keeps up with.
    const light = await sendEvents(base, latencyRate, durationS);
    await drain(db, 60_000);
    const latencies = [...light.accepted.entries()]
      .filter(([leadId]) => desk.offers.has(leadId))
      .map(([leadId, at]) => (desk.offers.get(leadId) as number) - at)
      .sort((a, b) => a - b);
    const missing = light.accepted.size - latencies.length;
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    log(
      `  accept -> offer at ${latencyRate}/s: p50 ${ms(p50)} ms, p90 ${ms(quantile(latencies, 0.9))} ms, p99 ${ms(p99)} ms, max ${ms(latencies.at(-1) ?? Number.NaN)} ms over ${latencies.length} leads (${missing} never offered)`,
    );
    const lightHops = await hops(db, [...light.accepted.keys()], desk.offers);
    log(
      `  hops at ${latencyRate}/s (p50 / p90 ms): ${lightHops.map((h) => `${h.hop} ${ms(h.p50)} / ${ms(h.p90)}`).join('; ')}`,
    );
    rows.push(
      `| ${instances} | ${perSecond.toFixed(1)} | ${ms(p50)} | ${ms(p99)} | ${loadavg()[0]?.toFixed(1)} |`,
    );
  }
  log(
    '\n| dispatcher instances | leads/s, whole cycle | accept -> offer p50 ms | p99 ms | load average (1 min) |',
  );
  log('|---|---|---|---|---|');
  for (const row of rows) log(row);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`dispatch bench failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await cleanups.undoAll();
  process.exit(process.exitCode ?? 0);
}
