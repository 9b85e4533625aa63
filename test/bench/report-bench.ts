// npm run bench (or: node --import tsx test/bench/report-bench.ts [--leads 1000000] [--days 30] [--runs 5]
//   [--warmup 1] [--facts 20000] [--seed 20261202] [--keep] [--reuse URL]); env BENCH_REPORT_LEADS,
//   BENCH_REPORT_DAYS, BENCH_REPORT_RUNS, BENCH_REPORT_WARMUP, BENCH_REPORT_FACTS, BENCH_REPORT_REUSE do the same.
//
// The SLA report over a month of leads on PostgreSQL (issue 7), and what the live view costs per event.
//   1. A scratch database on DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres),
//      migrated, with two tenants: the measured one (3 campaigns, 60 agents) and another with a tenth of
//      its leads (1 campaign, 10 agents), so the report has to filter by tenant. report_lead is filled
//      in ONE set-based INSERT (generate_series, seeded random()) in arrival order, both tenants
//      interleaved as they would arrive: --leads leads over --days days ending at NOW, 85 % of them in
//      06:00-18:00 UTC; about 90 % met, 2 % suppressed (dnc, no_consent, invalid_number), the rest
//      breached for each of the five reasons, 60/15/10/5 % in four zones and 10 % without one, agents
//      and groups (the campaign's team or overflow) on every dial and contact; leads still within their
//      SLA at NOW are open. The `lead` table is not filled: slaReport reads report_lead joined to
//      campaign (and agent, for the names of groupBy=agent) only. Then VACUUM ANALYZE, as autovacuum
//      leaves a live table.
//      Then the SLA rollup of the ended hours built as after a rebuild (every hour marked dirty, one
//      refreshRollup()), and its tables VACUUM ANALYZEd.
//   2. The report, each query both ways in turn: slaReportFromRows() (report_lead alone, as before the
//      rollup) and slaReport() as the API calls it (the rollup for whole ended hours, the rows for the
//      rest), on the pool: the whole period with no slices, with each groupBy, for one campaign, the
//      last day, and the live window (the last 15 minutes). Each --warmup times unmeasured, then --runs
//      times; median and p95 (nearest rank: with 5 runs, the slowest) of the wall time, whether both
//      answers are identical, PASS/MISS of slaReport against 500 ms for the queries over the whole
//      period. Then EXPLAIN (ANALYZE, BUFFERS) of both whole-period statements, summarised.
//   3. The live view's cost per event: leads anchored in the live window, each a script as the services
//      emit it (scored, queued, offered, dialing, contacted, call_ended, dispositioned, ...; each lead's
//      facts in order), until they make --facts lead events. The consumer folds only the events a
//      figure depends on (REPORTED_EVENTS) and passes over the others without a transaction, so those
//      are folded by applyFact(), one real transaction (db.sql.transaction) per fact, with 1 and with
//      8 in flight (a lead always on the same worker, as the bus's partitions do), after a few warm-up
//      leads. Then the whole consumer path: as many new leads' events published as lead.event v1
//      messages on the in-process bus (bus_message in the same database), startReporting() started,
//      and the wall time until processed_message holds every folded one for consumer 'reporting'. Each
//      fold also marks its lead's hour dirty for the rollup (same statement as the row's upsert). Then
//      one refreshRollup() at NOW (the hour the live leads made dirty) and the 30 days both ways again.
// A benchmark, not a test: it prints figures and PASS/MISS and exits 0 either way (1 only when it could
// not measure). --keep leaves the scratch database (its URL is printed) for EXPLAIN by hand; drop it after.
// --reuse URL runs on such a kept database without filling it again (it keeps the live part's leads of
// earlier runs, so its counts differ a little from a fresh run's); it is not dropped.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createInProcessBus } from '@pronto/bus';
import type { ReceivedLeadEventV1 } from '@pronto/contracts';
import { type Database, openDatabase, type SqlQueryable } from '@pronto/db';
import {
  type GroupBy,
  type LeadFact,
  perLeadSql,
  REPORTED_EVENTS,
  type SlaQuery,
  type SlaReport,
  slaReport,
  slaReportFromRows,
} from '@pronto/sla';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { createScratchDatabase, dropScratchDatabase, seededRandom } from '@pronto/testing';
import { applyFact } from '../../services/reporting/src/report-store.ts';
import { markEveryHourDirty, refreshRollup } from '../../services/reporting/src/sla-rollup.ts';
import { startReporting } from '../../services/reporting/src/start-reporting.ts';
import { type CpuReport, cpuMeter } from './system.ts';
import { undoStack } from './undo-stack.ts';

const TARGET_MS = 500;
/** The end of the period and the report's "now": a Monday, 16:00 in Warsaw, in the busy part of the day. */
const NOW = new Date('2026-11-30T15:00:00.000Z');
const LIVE_WINDOW_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
/** The measured tenant's campaigns: slug, zone, SLA seconds, the team that takes its leads first. */
const CAMPAIGNS = [
  { slug: 'cash-loan', timeZone: 'Europe/Warsaw', slaSeconds: 300, team: 'cash-loan-team' },
  { slug: 'mortgage', timeZone: 'Europe/Warsaw', slaSeconds: 600, team: 'mortgage-team' },
  { slug: 'insurance', timeZone: 'Europe/London', slaSeconds: 300, team: 'insurance-team' },
] as const;

const { values: flags } = parseArgs({
  options: {
    leads: { type: 'string' },
    days: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    facts: { type: 'string' },
    seed: { type: 'string' },
    keep: { type: 'boolean' },
    reuse: { type: 'string' },
  },
});
const number = (value: string | undefined, fallback: number, name: string, min = 1) => {
  const parsed = Number(value ?? fallback);
  if (!Number.isInteger(parsed) || parsed < min) throw new Error(`${name} must be an integer >= ${min}`);
  return parsed;
};
const leadCount = number(flags.leads ?? process.env.BENCH_REPORT_LEADS, 1_000_000, 'leads');
const otherLeadCount = Math.max(1, Math.round(leadCount / 10));
const days = number(flags.days ?? process.env.BENCH_REPORT_DAYS, 30, 'days');
const runs = number(flags.runs ?? process.env.BENCH_REPORT_RUNS, 5, 'runs');
const warmup = number(flags.warmup ?? process.env.BENCH_REPORT_WARMUP, 1, 'warmup', 0);
const factCount = number(flags.facts ?? process.env.BENCH_REPORT_FACTS, 20_000, 'facts');
const seed = number(flags.seed, 20_261_202, 'seed');
const reuse = flags.reuse ?? process.env.BENCH_REPORT_REUSE;
process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres'; // createScratchDatabase() reads it

const log = (line = '') => process.stdout.write(`${line}\n`);
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
const ms1 = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
/** Nearest-rank percentile of ascending values. */
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;

/**
 * Every lead of both tenants in one statement, in arrival order. Per lead, seeded random() draws its
 * campaign, zone, arrival, agent, group and what happened (seconds after the anchor of the first dial
 * and of the contact); times after NOW did not happen yet.
 */
const FILL_SQL = `
INSERT INTO report_lead (lead_id, tenant_id, campaign_id, time_zone, first_seen_at, anchor_at, due_at,
  suppression_reason, first_attempt_id, first_attempt_at, first_attempt_agent_id, first_attempt_group,
  contacted_at, contact_agent_id, contact_group, dials_before_due, last_dial_attempt_id,
  last_outcome_before_due, missed_offer_before_due, blocked_window_before_due, offer_attempt_id,
  offer_group, last_event, updated_at)
WITH g AS (
  SELECT $1::uuid AS tenant_id, $2::uuid[] AS campaigns, $3::text[] AS agents, n
    FROM generate_series(1, $4::int) n
  UNION ALL
  SELECT $5::uuid, $6::uuid[], $7::text[], n FROM generate_series(1, $8::int) n
), d AS (
  SELECT g.*, random() AS r_kind, random() AS r_campaign, random() AS r_zone, random() AS r_day,
         random() AS r_busy, random() AS r_time, random() AS r1, random() AS r2, random() AS r3,
         random() AS r4, random() AS r_agent, random() AS r_group
    FROM g
), k AS (
  SELECT d.*,
         CASE WHEN r_campaign < 0.5 THEN 1 WHEN r_campaign < 0.8 THEN 2 ELSE 3 END AS ci,
         CASE WHEN r_kind < 0.020 THEN 'suppressed'
              WHEN r_kind < 0.915 THEN 'met'
              WHEN r_kind < 0.950 THEN 'no_answer'
              WHEN r_kind < 0.970 THEN 'no_agent'
              WHEN r_kind < 0.980 THEN 'outside_window'
              WHEN r_kind < 0.990 THEN 'missed_offer'
              WHEN r_kind < 0.995 THEN 'dialer_error'
              ELSE 'met' END AS kind,
         -- Day j counts back from NOW; the time of day is busy-hours shaped, so the offset into the
         -- 24 hours before NOW-j days is that time of day minus NOW's.
         $9::timestamptz - (floor(r_day * $10::int) + 1) * interval '1 day'
           + make_interval(secs => mod((CASE WHEN r_busy < 0.85 THEN 21600 + r_time * 43200
                                             ELSE r_time * 86400 END
                                        - extract(epoch FROM $9::timestamptz - date_trunc('day', $9::timestamptz))
                                        + 86400)::numeric, 86400)::float8) AS arrived
    FROM d
), t AS (
  SELECT k.*, campaigns[ci] AS campaign_id, $11::int[] AS slas,
         agents[1 + floor(r_agent * cardinality(agents))::int] AS agent,
         CASE WHEN r_group < 0.8 THEN ($12::text[])[ci] ELSE 'overflow' END AS grp,
         CASE WHEN r_zone < 0.60 THEN 'Europe/Warsaw' WHEN r_zone < 0.75 THEN 'Europe/London'
              WHEN r_zone < 0.85 THEN 'Europe/Berlin' WHEN r_zone < 0.90 THEN 'America/New_York' END AS zone
    FROM k
), u AS (
  SELECT t.*, slas[ci] AS sla,
         CASE kind WHEN 'met' THEN 5 + r1 * r1 * 0.6 * slas[ci]
                   WHEN 'no_answer' THEN 10 + 60 * r1
                   WHEN 'no_agent' THEN CASE WHEN r3 < 0.7 THEN slas[ci] + 30 + r1 * 1200 END
                   WHEN 'outside_window' THEN 28800 + r1 * 14400
                   WHEN 'missed_offer' THEN slas[ci] + 20 + r1 * 600
                   WHEN 'dialer_error' THEN 10 + 60 * r1 END AS first_dial_s,
         CASE kind WHEN 'met' THEN 5 + r1 * r1 * 0.6 * slas[ci] + 3 + 25 * r2 + CASE WHEN r3 < 0.1 THEN 60 ELSE 0 END
                   WHEN 'no_answer' THEN CASE WHEN r2 < 0.4 THEN slas[ci] + 300 + r2 * 9000 END
                   WHEN 'no_agent' THEN CASE WHEN r3 < 0.7 AND r2 < 0.5 THEN slas[ci] + 50 + r1 * 1200 END
                   WHEN 'outside_window' THEN CASE WHEN r2 < 0.5 THEN 28815 + r1 * 14400 END
                   WHEN 'missed_offer' THEN CASE WHEN r2 < 0.6 THEN slas[ci] + 45 + r1 * 600 END
                   WHEN 'dialer_error' THEN CASE WHEN r2 < 0.3 THEN slas[ci] + 120 + r1 * 600 END END AS contact_s,
         CASE kind WHEN 'met' THEN CASE WHEN r3 < 0.1 THEN 2 ELSE 1 END
                   WHEN 'no_answer' THEN 1 + floor(r3 * 3)::int
                   WHEN 'dialer_error' THEN 1 ELSE 0 END AS dials,
         CASE kind WHEN 'met' THEN 'contacted'
                   WHEN 'no_answer' THEN (ARRAY['no_answer', 'busy', 'voicemail'])[1 + floor(r4 * 3)::int]
                   WHEN 'dialer_error' THEN 'failed' END AS outcome
    FROM t
), v AS (
  SELECT u.*,
         CASE WHEN kind <> 'suppressed' THEN arrived END AS anchor,
         CASE WHEN arrived + make_interval(secs => first_dial_s) <= $9::timestamptz
              THEN arrived + make_interval(secs => first_dial_s) END AS first_dial_at,
         CASE WHEN arrived + make_interval(secs => contact_s) <= $9::timestamptz
              THEN arrived + make_interval(secs => contact_s) END AS contact_at
    FROM u
)
SELECT gen_random_uuid(), tenant_id, campaign_id, CASE WHEN kind <> 'suppressed' THEN zone END, arrived,
       anchor, anchor + make_interval(secs => sla),
       CASE WHEN kind = 'suppressed'
            THEN (ARRAY['dnc', 'dnc', 'no_consent', 'no_consent', 'invalid_number'])[1 + floor(r4 * 5)::int] END,
       CASE WHEN first_dial_at IS NOT NULL THEN 'a' || n || '-1' END, first_dial_at,
       CASE WHEN first_dial_at IS NOT NULL THEN agent END, CASE WHEN first_dial_at IS NOT NULL THEN grp END,
       contact_at, CASE WHEN contact_at IS NOT NULL THEN agent END, CASE WHEN contact_at IS NOT NULL THEN grp END,
       CASE WHEN first_dial_at IS NULL THEN 0 ELSE dials END,
       CASE WHEN first_dial_at IS NOT NULL AND dials > 0 THEN 'a' || n || '-' || dials END,
       CASE WHEN first_dial_at IS NOT NULL THEN outcome END,
       kind = 'missed_offer', kind = 'outside_window',
       CASE WHEN first_dial_at IS NOT NULL THEN 'a' || n || '-' || greatest(dials, 1) END,
       CASE WHEN first_dial_at IS NOT NULL THEN grp END,
       CASE WHEN kind = 'suppressed' THEN 'suppressed' WHEN contact_at IS NOT NULL THEN 'dispositioned'
            WHEN first_dial_at IS NOT NULL THEN 'call_ended' ELSE 'queued' END,
       greatest(arrived, first_dial_at, contact_at)
  FROM v
 ORDER BY arrived`;

interface Tenant {
  id: string;
  campaigns: string[];
  agents: string[];
}

/** A tenant of a kept database (--reuse), as seedTenant() made it. */
async function keptTenant(db: Database, slug: string): Promise<Tenant> {
  const [tenant] = await db.sql.query<{ id: string; campaigns: string[]; agents: string[] }>(
    `SELECT t.id::text,
            ARRAY(SELECT c.id::text FROM campaign c WHERE c.tenant_id = t.id
                  ORDER BY array_position($2::text[], c.slug)) AS campaigns,
            ARRAY(SELECT a.id::text FROM agent a WHERE a.tenant_id = t.id ORDER BY a.username) AS agents
       FROM tenant t WHERE t.slug = $1`,
    [slug, CAMPAIGNS.map((c) => c.slug)],
  );
  if (!tenant) throw new Error(`--reuse: the database has no tenant ${slug}; run with --keep first`);
  return tenant;
}

async function seedTenant(db: Database, slug: string, campaignCount: number, agentCount: number) {
  const tenant = await createTenant(db.prisma, { slug, name: slug });
  const campaigns: string[] = [];
  for (const campaign of CAMPAIGNS.slice(0, campaignCount)) {
    const created = await createCampaign(db.prisma, {
      tenantId: tenant.id,
      slug: campaign.slug,
      name: campaign.slug,
      timeZone: campaign.timeZone,
      slaSeconds: campaign.slaSeconds,
      agentGroups: [campaign.team, 'overflow'],
    });
    campaigns.push(created.id);
  }
  const agents = await db.sql.query<{ id: string }>(
    `INSERT INTO agent (tenant_id, username, display_name, password_hash, groups)
     SELECT $1, $2 || '-agent-' || n, 'Agent ' || n, 'bench: no login', ARRAY['overflow']
       FROM generate_series(1, $3::int) n RETURNING id::text`,
    [tenant.id, slug, agentCount],
  );
  return { id: tenant.id, campaigns, agents: agents.map((a) => a.id) } satisfies Tenant;
}

async function fill(db: Database, measured: Tenant, other: Tenant): Promise<number> {
  const started = performance.now();
  // One connection, so setseed() and the INSERT's random() are the same session's: the same rows every run.
  await db.sql.transaction(async (tx) => {
    await tx.query('SELECT setseed($1)', [((seed % 2_000_000) - 1_000_000) / 1_000_000]);
    await tx.query(FILL_SQL, [
      measured.id,
      measured.campaigns,
      measured.agents,
      leadCount,
      other.id,
      [0, 1, 2].map((i) => other.campaigns[i % other.campaigns.length]),
      other.agents,
      otherLeadCount,
      NOW.toISOString(),
      days,
      CAMPAIGNS.map((c) => c.slaSeconds),
      CAMPAIGNS.map((c) => c.team),
    ]);
  });
  return performance.now() - started;
}

interface Case {
  name: string;
  query: SlaQuery;
  /** Over the whole period: held to the 500 ms target. */
  target: boolean;
}

type Report = (sql: SqlQueryable, query: SlaQuery) => Promise<SlaReport>;
/** The two ways to answer: report_lead alone (before the rollup), and as the API answers. */
const ROWS: Report = (sql, query) => slaReportFromRows(sql, query);
const ROLLUP: Report = (sql, query) => slaReport(sql, query);
const PATHS = [
  { name: 'rows', report: ROWS },
  { name: 'rollup', report: ROLLUP },
];

interface Timing {
  case: Case;
  report: SlaReport | undefined;
  ms: number[];
  median: number;
  p95: number;
  eligible: number;
  suppressed: number;
  slices: number;
}

async function time(sql: SqlQueryable, c: Case, answer: Report, times = runs): Promise<Timing> {
  for (let n = 0; n < warmup; n++) await answer(sql, c.query);
  const ms: number[] = [];
  let report: SlaReport | undefined;
  for (let n = 0; n < times; n++) {
    const start = performance.now();
    report = await answer(sql, c.query);
    ms.push(performance.now() - start);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    case: c,
    report,
    ms,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    eligible: report?.eligible ?? 0,
    suppressed: report?.suppressed ?? 0,
    slices: report?.slices.length ?? 0,
  };
}

/** The statements slaReport sends, so the bench can EXPLAIN exactly them. */
function recording(sql: SqlQueryable) {
  const statements: { text: string; params: readonly unknown[] }[] = [];
  const recorder: SqlQueryable = {
    query: (text, params) => {
      statements.push({ text, params: params ?? [] });
      return sql.query(text, params);
    },
    exec: (script) => sql.exec(script),
  };
  return { statements, recorder };
}

async function explain(db: Database, query: SlaQuery, answer: Report): Promise<string[]> {
  const { statements, recorder } = recording(db.sql);
  await answer(recorder, query);
  const first = statements[0];
  if (!first) throw new Error('slaReport sent no statement');
  const plan = await db.sql.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${first.text}`,
    first.params,
  );
  return plan.map((row) => row['QUERY PLAN']);
}

type Script = [seconds: number, event: string, detail?: Record<string, unknown>];

/**
 * What happens to one live lead (seconds after its anchor), in the mix the generated month has: most
 * contacted in time, some dialed without an answer, dialed late, let go by an agent, held back by the
 * calling window or failed in telephony, 2 % suppressed at scoring.
 */
function scriptFor(random: () => number, anchorMs: number, agents: string[], n: number): Script[] {
  const iso = (seconds: number) => new Date(anchorMs + seconds * 1000).toISOString();
  const agentId = agents[Math.floor(random() * agents.length)] as string;
  const group = random() < 0.8 ? 'cash-loan-team' : 'overflow';
  const zone = random() < 0.9 ? 'Europe/Warsaw' : 'Europe/London';
  const queued: Script[] = [
    [0, 'scored', { score: Math.floor(random() * 100), zone }],
    [0, 'queued', { zone, clock: 'business_hours', anchorAt: iso(0), dueAt: iso(300) }],
  ];
  const dial = (seconds: number, attemptId: string): Script[] => [
    [seconds - 10, 'offered', { attemptId, agentId, group }],
    [seconds, 'dialing', { attemptId, agentId, attemptNumber: 1 }],
  ];
  const a = `a${n}`;
  const kind = random();
  const first = 20 + Math.floor(random() * 150);
  if (kind < 0.02) return [[0, 'suppressed', { reason: random() < 0.5 ? 'dnc' : 'no_consent' }]];
  if (kind < 0.92)
    return [
      ...queued,
      ...dial(first, a),
      [first + 15, 'contacted', { attemptId: a, agentId, at: iso(first + 15), firstContact: true }],
      [first + 200, 'call_ended', { attemptId: a, outcome: 'contacted' }],
      [first + 230, 'dispositioned', { attemptId: a, code: 'sale' }],
    ];
  if (kind < 0.955)
    return [
      ...queued,
      ...dial(first, a),
      [first + 30, 'call_ended', { attemptId: a, outcome: 'no_answer' }],
      [first + 30, 'retry_scheduled', { retryAt: iso(first + 150) }],
      ...dial(first + 160, `b${n}`),
      [first + 190, 'call_ended', { attemptId: `b${n}`, outcome: 'busy' }],
    ];
  if (kind < 0.975)
    return [
      ...queued,
      [300, 'offered', { attemptId: a, agentId, group }],
      [330, 'offer_missed', { attemptId: a, agentId, why: 'offer_timeout' }],
      ...dial(400, `b${n}`),
      [420, 'contacted', { attemptId: `b${n}`, agentId, at: iso(420), firstContact: true }],
    ];
  if (kind < 0.99)
    return [
      ...queued,
      [5, 'dial_blocked', { gate: 'outside_window' }],
      ...dial(900, a),
      [930, 'call_ended', { attemptId: a, outcome: 'no_answer' }],
    ];
  return [...queued, ...dial(first, a), [first + 2, 'call_ended', { attemptId: a, outcome: 'failed' }]];
}

/** Leads with anchors spread over the live window before NOW, until their facts number at least `count`. */
function liveLeads(tenant: Tenant, count: number, seedOffset: number): LeadFact[][] {
  const random = seededRandom(seed + seedOffset);
  const campaignId = tenant.campaigns[0] as string;
  const leads: LeadFact[][] = [];
  let total = 0;
  for (let n = 0; total < count; n++) {
    const anchorMs = NOW.getTime() - LIVE_WINDOW_MS + Math.floor(random() * LIVE_WINDOW_MS);
    const leadId = randomUUID();
    const facts = scriptFor(random, anchorMs, tenant.agents, n).map(([seconds, event, detail = {}]) => ({
      leadId,
      tenantId: tenant.id,
      campaignId,
      event,
      at: new Date(anchorMs + seconds * 1000),
      detail,
    }));
    total += facts.length;
    leads.push(facts);
  }
  return leads;
}

interface FoldTiming {
  what: string;
  inFlight: number;
  /** Every lead event of the leads (what lead-events carries). */
  events: number;
  /** The facts folded, one transaction each: the events a report figure depends on (REPORTED_EVENTS). */
  folded: number;
  leads: number;
  ms: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Folds the leads' reported facts (the consumer passes over the others without a transaction) with
 * `inFlight` workers, lead n on worker n % inFlight, each fact in its own transaction. A worker takes
 * its facts in time order across its leads, as live traffic comes.
 */
async function foldLive(db: Database, leads: LeadFact[][], inFlight: number): Promise<FoldTiming> {
  const workers = Array.from({ length: inFlight }, (_, w) =>
    leads
      .filter((_, n) => n % inFlight === w)
      .flatMap((facts) =>
        facts.filter((fact) => REPORTED_EVENTS.has(fact.event)).map((fact, i) => ({ fact, i })),
      )
      .sort((x, y) => x.fact.at.getTime() - y.fact.at.getTime() || x.i - y.i)
      .map(({ fact }) => fact),
  );
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    workers.map(async (facts) => {
      for (const fact of facts) {
        const t0 = performance.now();
        await db.sql.transaction((tx) => applyFact(tx, fact));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    what: 'applyFact, one transaction per fact',
    inFlight,
    events: leads.reduce((sum, facts) => sum + facts.length, 0),
    folded: latencies.length,
    leads: leads.length,
    ms: elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Publishes the leads' facts on the in-process bus, then times startReporting() until all are folded. */
async function consumerPath(db: Database, leads: LeadFact[][]): Promise<FoldTiming> {
  const logger = createLogger({ name: 'report-bench', level: 'warn' });
  const bus = createInProcessBus({ sql: db.sql, logger });
  try {
    const messages: ReceivedLeadEventV1[] = leads.flatMap((facts) =>
      facts.map((fact, i) => ({
        type: 'lead.event' as const,
        version: 1 as const,
        id: randomUUID(),
        occurredAt: fact.at.toISOString(),
        key: fact.leadId,
        payload: {
          leadId: fact.leadId,
          tenantId: fact.tenantId,
          campaignId: fact.campaignId,
          leadVersion: i + 1,
          event: fact.event,
          at: fact.at.toISOString(),
          status: 'queued',
          detail: fact.detail,
        },
      })),
    );
    // In time order, as the services publish them; a lead's facts stay in its order (one key, one partition).
    const ordered = messages
      .map((message, i) => ({ message, i }))
      .sort((x, y) => x.message.occurredAt.localeCompare(y.message.occurredAt) || x.i - y.i)
      .map(({ message }) => message);
    for (let i = 0; i < ordered.length; i += 1_000)
      await bus.publish('lead-events', ordered.slice(i, i + 1_000));
    const folded = ordered.filter((message) => REPORTED_EVENTS.has(message.payload.event)).length;
    const processed = async () =>
      (
        await db.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM processed_message WHERE consumer = 'reporting'`,
        )
      )[0]?.n ?? 0;
    const before = await processed();
    const started = performance.now();
    const reporting = await startReporting({ db, bus, logger });
    try {
      const deadline = started + 600_000;
      // Every reported fact is recorded in processed_message with its change; the others leave no trace.
      while ((await processed()) - before < folded) {
        if (performance.now() > deadline)
          throw new Error('the consumer did not fold every message in 10 minutes');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await reporting.stop();
    }
    const elapsed = performance.now() - started;
    return {
      what: 'lead-events -> startReporting (in-process bus, 8 partitions)',
      inFlight: 8,
      events: ordered.length,
      folded,
      leads: leads.length,
      ms: elapsed,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
    };
  } finally {
    await bus.close();
  }
}

async function serverFacts(db: Database) {
  const get = async (name: string) =>
    Object.values((await db.sql.query<Record<string, string>>(`SHOW ${name}`))[0] ?? {})[0] ?? '?';
  const names = [
    'server_version',
    'shared_buffers',
    'work_mem',
    'max_parallel_workers_per_gather',
    'jit',
    'synchronous_commit',
  ];
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await get(name)] as const)));
}

async function main() {
  const cleanups = undoStack(log);
  try {
    log(
      `Pronto SLA report benchmark: ${fmt(leadCount)} leads over ${days} days (+ ${fmt(otherLeadCount)} of another tenant), ` +
        `${runs} runs per query after ${warmup} warm-up; target <= ${TARGET_MS} ms over the whole period; ` +
        `live view: ${fmt(factCount)} facts`,
    );
    log(
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadAverage()}`,
    );
    const url = reuse ?? (await createScratchDatabase());
    const name = new URL(url).pathname.slice(1);
    if (reuse) log(`--reuse: the kept database ${url}, not filled again`);
    else if (flags.keep) log(`--keep: the scratch database stays: ${url}`);
    else cleanups.push(() => dropScratchDatabase(url));
    const db = await openDatabase({ url, poolSize: 10 });
    cleanups.push(() => db.close());
    const server = await serverFacts(db);
    log(
      `PostgreSQL ${server.server_version}: shared_buffers=${server.shared_buffers}, work_mem=${server.work_mem}, ` +
        `max_parallel_workers_per_gather=${server.max_parallel_workers_per_gather}, jit=${server.jit}, ` +
        `synchronous_commit=${server.synchronous_commit}; scratch database ${name}`,
    );

    // 1. The month.
    const measured = reuse ? await keptTenant(db, 'bench-bank') : await seedTenant(db, 'bench-bank', 3, 60);
    const other = reuse ? await keptTenant(db, 'other-bank') : await seedTenant(db, 'other-bank', 1, 10);
    const fillMs = reuse ? 0 : await fill(db, measured, other);
    const from = new Date(NOW.getTime() - days * DAY_MS);
    const vacuumStart = performance.now();
    await db.sql.query('VACUUM (ANALYZE) report_lead');
    await db.sql.query('ANALYZE campaign');
    await db.sql.query('ANALYZE agent');
    const vacuumMs = performance.now() - vacuumStart;
    // The rollup as a rebuild leaves it: every hour dirty, then summed by one refresh.
    const rollupStart = performance.now();
    await markEveryHourDirty(db.sql);
    const rolledHours = await refreshRollup(db.sql, NOW);
    const rollupMs = performance.now() - rollupStart;
    await db.sql.query('VACUUM (ANALYZE) report_rollup');
    await db.sql.query('VACUUM (ANALYZE) report_rollup_speed');
    await db.sql.query('VACUUM (ANALYZE) report_rollup_dirty');
    const [rolled] = await db.sql.query<{ counts: number; speeds: number; size: string; dirty: number }>(
      `SELECT (SELECT count(*)::int FROM report_rollup) AS counts, (SELECT count(*)::int FROM report_rollup_speed) AS speeds,
              pg_size_pretty(pg_total_relation_size('report_rollup') + pg_total_relation_size('report_rollup_speed')) AS size,
              (SELECT count(*)::int FROM report_rollup_dirty) AS dirty`,
    );
    const [size] = await db.sql.query<{ rows: number; table: string; indexes: string }>(
      `SELECT (SELECT count(*)::int FROM report_lead) AS rows,
              pg_size_pretty(pg_table_size('report_lead')) AS table,
              pg_size_pretty(pg_indexes_size('report_lead')) AS indexes`,
    );
    log(
      `\nreport_lead: ${fmt(size?.rows ?? 0)} rows (${size?.table} + ${size?.indexes} of indexes), ` +
        `filled in ${(fillMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s`,
    );
    log(
      `rollup: ${fmt(rolledHours)} hours summed by one refreshRollup() in ${(rollupMs / 1000).toFixed(1)} s: ` +
        `${fmt(rolled?.counts ?? 0)} count rows + ${fmt(rolled?.speeds ?? 0)} speed rows (${rolled?.size} with indexes); ` +
        `${fmt(rolled?.dirty ?? 0)} hours still dirty (not ended at NOW)`,
    );
    const mix = await db.sql.query<{ result: string; reason: string | null; n: number }>(
      `SELECT result, CASE WHEN result = 'breached' THEN reason END AS reason, count(*)::int AS n
         FROM (${perLeadSql(undefined)}) l GROUP BY 1, 2 ORDER BY 3 DESC`,
      [measured.id, from.toISOString(), NOW.toISOString(), null, NOW.toISOString()],
    );
    log(
      `the measured tenant's leads in the period: ${mix.map((m) => `${m.reason ?? m.result} ${fmt(m.n)}`).join(', ')}`,
    );

    // 2. The report.
    const period = { tenantId: measured.id, from, to: NOW, now: NOW };
    const cases: Case[] = [
      { name: `${days} days`, query: period, target: true },
      ...(['campaign', 'agent', 'group', 'hour'] as GroupBy[]).map((groupBy) => ({
        name: `${days} days, groupBy=${groupBy}`,
        query: { ...period, groupBy },
        target: true,
      })),
      { name: `${days} days, campaign=cash-loan`, query: { ...period, campaign: 'cash-loan' }, target: true },
      { name: 'last day', query: { ...period, from: new Date(NOW.getTime() - DAY_MS) }, target: false },
      {
        name: 'last day, groupBy=hour',
        query: { ...period, from: new Date(NOW.getTime() - DAY_MS), groupBy: 'hour' },
        target: false,
      },
      {
        name: 'live window (15 min)',
        query: { ...period, from: new Date(NOW.getTime() - LIVE_WINDOW_MS) },
        target: false,
      },
    ];
    log(
      `\nslaReport, wall time per call (${runs} runs after ${warmup} warm-up, load average ${loadAverage()}):`,
    );
    const timings: { rows: Timing; rollup: Timing; identical: boolean }[] = [];
    const reportMeter = cpuMeter();
    for (const c of cases) {
      const [rows, rollup] = [await time(db.sql, c, ROWS), await time(db.sql, c, ROLLUP)];
      const identical = JSON.stringify(rows.report) === JSON.stringify(rollup.report);
      timings.push({ rows, rollup, identical });
      log(
        `  ${c.name}: rows ${rows.ms.map(ms1).join(', ')} ms; rollup ${rollup.ms.map(ms1).join(', ')} ms ` +
          `(eligible ${fmt(rollup.eligible)}, suppressed ${fmt(rollup.suppressed)}, ${rollup.slices} slices; identical: ${identical ? 'yes' : 'NO'})`,
      );
    }
    const reportCpu = reportMeter();
    const plans: Record<string, string[]> = {};
    for (const path of PATHS) {
      const plan = await explain(db, period, path.report);
      plans[path.name] = plan;
      const planSummary = plan.filter((line) =>
        /Scan|Sort Method|Sort Key|Aggregate|Group Key|Hash Join|Nested Loop|Workers|Gather|Execution Time|Planning Time|JIT|Timing:|^\s*Buffers|Disk/.test(
          line,
        ),
      );
      log(`\nEXPLAIN (ANALYZE, BUFFERS) of the ${days}-day query (no slices), ${path.name}, summarised:`);
      for (const line of planSummary) log(`  ${line}`);
    }

    // 3. The live view.
    const liveMeter = cpuMeter();
    const folded: FoldTiming[] = [];
    for (const inFlight of [1, 8]) {
      const leads = liveLeads(measured, factCount, inFlight);
      // Warm-up: a few leads of their own, not counted.
      await foldLive(db, liveLeads(measured, 200, 100 + inFlight), inFlight);
      folded.push(await foldLive(db, leads, inFlight));
    }
    const consumed = await consumerPath(db, liveLeads(measured, factCount, 3));
    const liveCpu = liveMeter();
    const [check] = await db.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM report_lead WHERE tenant_id = $1 AND first_seen_at >= $2',
      [measured.id, new Date(NOW.getTime() - LIVE_WINDOW_MS).toISOString()],
    );
    // What the live part left for the refresher (the hour before NOW), and the 30 days after it.
    const refreshStart = performance.now();
    const refreshedHours = await refreshRollup(db.sql, NOW);
    const refreshMs = performance.now() - refreshStart;
    const afterLive = [
      await time(db.sql, cases[0] as Case, ROWS, 1),
      await time(db.sql, cases[0] as Case, ROLLUP, 1),
    ];
    const afterLiveIdentical = JSON.stringify(afterLive[0]?.report) === JSON.stringify(afterLive[1]?.report);

    // Summary.
    log(
      `\n| query | rows in the period | rows: median / p95 ms | rollup: median / p95 ms | rows / rollup (median) | identical | rollup <= ${TARGET_MS} ms |`,
    );
    log('|---|---:|---:|---:|---:|---|---|');
    for (const { rows, rollup, identical } of timings)
      log(
        `| ${rollup.case.name} | ${fmt(rollup.eligible + rollup.suppressed)} | ${ms1(rows.median)} / ${ms1(rows.p95)} | ${ms1(rollup.median)} / ${ms1(rollup.p95)} | ${(rows.median / rollup.median).toFixed(1)} | ${identical ? 'yes' : 'NO'} | ${
          rollup.case.target ? (rollup.p95 <= TARGET_MS ? 'PASS' : 'MISS') : '(not a target)'
        } |`,
      );
    const execution = (path: string) =>
      plans[path]?.find((line) => line.startsWith('Execution Time')) ?? 'Execution Time: ?';
    log(
      `\nEXPLAIN ANALYZE of the ${days}-day query: rows ${execution('rows')}; rollup ${execution('rollup')}`,
    );
    log(
      `after the live part: refreshRollup() summed ${refreshedHours} hours in ${ms1(refreshMs)} ms; the ${days} days then: ` +
        `rows ${ms1(afterLive[0]?.median ?? Number.NaN)} ms, rollup ${ms1(afterLive[1]?.median ?? Number.NaN)} ms, identical: ${afterLiveIdentical ? 'yes' : 'NO'}`,
    );
    log(
      '\n| live view | lead events | folded (1 transaction each) | leads | in flight | wall s | µs per lead event | µs per folded fact | lead events/s | folded facts/s | p50 ms | p99 ms |',
    );
    log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const f of [...folded, consumed])
      log(
        `| ${f.what} | ${fmt(f.events)} | ${fmt(f.folded)} | ${fmt(f.leads)} | ${f.inFlight} | ${(f.ms / 1000).toFixed(2)} | ${((f.ms * 1000) / f.events).toFixed(0)} | ${((f.ms * 1000) / f.folded).toFixed(0)} | ${fmt((f.events / f.ms) * 1000)} | ${fmt((f.folded / f.ms) * 1000)} | ${ms1(f.p50Ms)} | ${ms1(f.p99Ms)} |`,
      );
    log(`(report_lead rows first seen in the live window after the live part: ${fmt(check?.n ?? 0)})`);
    const cpu = (what: string, c: CpuReport) =>
      `${what}: machine ${c.machine ?? '?'} % busy (of ${cpus().length} cores); in % of one core: this process ${c.loadGenerator}, ` +
      `all PostgreSQL processes (other people's too) ${c.postgres}, everything else ${c.other ?? '?'}`;
    log(cpu('CPU while timing the reports', reportCpu));
    log(cpu('CPU during the live view part', liveCpu));
    const targeted = timings.map((t) => t.rollup).filter((t) => t.case.target);
    const met = targeted.every((t) => t.p95 <= TARGET_MS);
    log(
      `\ntarget: the ${days}-day report <= ${TARGET_MS} ms: ${met ? 'PASS' : 'MISS'} (p95 ${targeted
        .map((t) => ms1(t.p95))
        .join(', ')} ms); load average at the end ${loadAverage()}`,
    );
    log(
      JSON.stringify({
        leads: leadCount,
        otherLeads: otherLeadCount,
        days,
        runs,
        fillMs: Math.round(fillMs),
        rollupMs: Math.round(rollupMs),
        report: timings.map(({ rows, rollup, identical }) => ({
          name: rollup.case.name,
          rows: { median: rows.median, p95: rows.p95, ms: rows.ms },
          rollup: { median: rollup.median, p95: rollup.p95, ms: rollup.ms },
          identical,
        })),
        execution: { rows: execution('rows'), rollup: execution('rollup') },
        refreshAfterLive: { hours: refreshedHours, ms: refreshMs, identical: afterLiveIdentical },
        live: [...folded, consumed],
        cpu: { report: reportCpu, live: liveCpu },
      }),
    );
  } finally {
    await cleanups.undoAll();
  }
}

main().catch((error: unknown) => {
  log(`could not measure: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
