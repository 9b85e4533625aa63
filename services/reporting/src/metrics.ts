import { AgentState, EventStatus, WAITING_STATUSES } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { BREACH_REASONS, breachReasonSql, SPEED_TO_LEAD_BUCKETS } from '@pronto/sla';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';

export interface MetricsDeps {
  sql: SqlQueryable;
  /** The clock that decides whether a due time has passed. */
  now?: () => Date;
}

interface CampaignRow {
  tenant: string;
  campaign: string;
}

/**
 * Every campaign, with its figures from `from` (a subquery keyed by campaign_id), or no figures:
 * a campaign with nothing yet still has its series, at zero, so a rate() sees its first increase.
 */
const perCampaign = (columns: string, from: string) =>
  `SELECT t.slug AS tenant, c.slug AS campaign, ${columns}
     FROM campaign c JOIN tenant t ON t.id = c.tenant_id
     LEFT JOIN (${from}) f ON f.campaign_id = c.id
    ORDER BY t.slug, c.slug`;

const EVENTS_SQL = perCampaign(
  'f.status, COALESCE(f.events, 0) AS events',
  `SELECT campaign_id, COALESCE(result_status, 'unknown') AS status, count(*)::float8 AS events
     FROM intent_event GROUP BY campaign_id, result_status`,
);

// The same rules as leadResult() and breachReason() (fold-lead-fact.ts), over every lead with an
// SLA: met once contacted by the due time, breached once the due time passed without that. Only
// comparisons per row (seconds are taken from the summed interval, not from each row's): on a large
// report_lead, this scan is most of what a scrape costs.
const MET = 'contacted_at <= due_at';
const BREACHED = '(contacted_at IS NULL OR contacted_at > due_at) AND due_at < $1';
const SPEED = 'first_attempt_at - anchor_at';
const SLA_SQL = perCampaign(
  [
    'COALESCE(f.met, 0) AS met',
    ...BREACH_REASONS.map((reason) => `COALESCE(f."b_${reason}", 0) AS "b_${reason}"`),
    ...SPEED_TO_LEAD_BUCKETS.map((_, i) => `COALESCE(f.le_${i}, 0) AS le_${i}`),
    'COALESCE(f.speed_count, 0) AS speed_count',
    'COALESCE(f.speed_sum, 0) AS speed_sum',
  ].join(', '),
  `SELECT campaign_id,
          count(*) FILTER (WHERE ${MET})::float8 AS met,
          ${BREACH_REASONS.map(
            (reason) =>
              `count(*) FILTER (WHERE ${BREACHED} AND ${breachReasonSql()} = '${reason}')::float8 AS "b_${reason}"`,
          ).join(',\n          ')},
          ${SPEED_TO_LEAD_BUCKETS.map(
            (bound, i) =>
              `count(*) FILTER (WHERE ${SPEED} <= interval '${bound} seconds')::float8 AS le_${i}`,
          ).join(',\n          ')},
          count(${SPEED})::float8 AS speed_count,
          COALESCE(extract(epoch FROM sum(${SPEED})), 0)::float8 AS speed_sum
     FROM report_lead
    WHERE suppression_reason IS NULL AND due_at IS NOT NULL
    GROUP BY campaign_id`,
);

// Per campaign, so each count is a range of the lead (tenant_id, campaign_id, status) index.
const QUEUE_SQL = `SELECT t.slug AS tenant, c.slug AS campaign,
         (SELECT count(*) FROM lead l
           WHERE l.tenant_id = c.tenant_id AND l.campaign_id = c.id AND l.status = ANY($1::text[]))::float8 AS depth
    FROM campaign c JOIN tenant t ON t.id = c.tenant_id
   ORDER BY t.slug, c.slug`;

const AGENTS_SQL = `SELECT t.slug AS tenant, a.state, count(a.id)::float8 AS agents
    FROM tenant t LEFT JOIN agent a ON a.tenant_id = t.id
   GROUP BY t.slug, a.state
   ORDER BY t.slug, a.state`;

interface HistogramSeries {
  labels: Record<string, string>;
  /** Cumulative counts per upper bound, in SPEED_TO_LEAD_BUCKETS order. */
  buckets: number[];
  count: number;
  sum: number;
}

/** A histogram whose buckets the database counted: prom-client's Histogram only observes values one by one. */
function countedHistogram(name: string, help: string, series: HistogramSeries[]): Metric {
  const values = series.flatMap(({ labels, buckets, count, sum }) => [
    ...SPEED_TO_LEAD_BUCKETS.map((bound, i) => ({
      metricName: `${name}_bucket`,
      labels: { ...labels, le: bound },
      value: buckets[i] ?? 0,
    })),
    { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
    { metricName: `${name}_sum`, labels, value: sum },
    { metricName: `${name}_count`, labels, value: count },
  ]);
  const family = { name, help, type: 'histogram', aggregator: 'sum', values };
  // The Registry reads name and get(); its Metric type names only prom-client's own classes.
  return { name, help, type: 'histogram', get: async () => family } as unknown as Metric;
}

/** Reads the figures from the database into a fresh registry: nothing is kept between scrapes. */
async function collectFigures(sql: SqlQueryable, now: Date): Promise<Registry> {
  const registry = new Registry();
  const registers = [registry];
  const campaignLabels = ['tenant', 'campaign'] as const;

  const events = new Counter({
    name: 'pronto_events_accepted_total',
    help: 'Intent events the intake accepted (stored and answered 202), by the answer: accepted (a new lead), merged or suppressed.',
    labelNames: [...campaignLabels, 'status'],
    registers,
  });
  for (const row of await sql.query<CampaignRow & { status: string | null; events: number }>(EVENTS_SQL)) {
    const labels = { tenant: row.tenant, campaign: row.campaign };
    for (const status of EventStatus.enum) events.inc({ ...labels, status }, 0);
    if (row.status !== null) events.inc({ ...labels, status: row.status }, Number(row.events));
  }

  const met = new Counter({
    name: 'pronto_sla_met_total',
    help: 'Leads contacted by their SLA due time.',
    labelNames: campaignLabels,
    registers,
  });
  const breached = new Counter({
    name: 'pronto_sla_breached_total',
    help: 'Leads whose SLA due time passed without a contact, by the reason of the breach.',
    labelNames: [...campaignLabels, 'reason'],
    registers,
  });
  const speed: HistogramSeries[] = [];
  type SlaRow = CampaignRow & { met: number; speed_count: number; speed_sum: number } & {
    [column: `${'b' | 'le'}_${string}`]: number;
  };
  for (const row of await sql.query<SlaRow>(SLA_SQL, [now.toISOString()])) {
    const labels = { tenant: row.tenant, campaign: row.campaign };
    met.inc(labels, Number(row.met));
    for (const reason of BREACH_REASONS) breached.inc({ ...labels, reason }, Number(row[`b_${reason}`]));
    speed.push({
      labels,
      buckets: SPEED_TO_LEAD_BUCKETS.map((_, i) => Number(row[`le_${i}`])),
      count: Number(row.speed_count),
      sum: Number(row.speed_sum),
    });
  }
  registry.registerMetric(
    countedHistogram(
      'pronto_speed_to_lead_seconds',
      "Seconds from a lead's SLA anchor to its first dial, over leads with an SLA that were dialed.",
      speed,
    ),
  );

  const queue = new Gauge({
    name: 'pronto_queue_depth',
    help: 'Leads waiting for an agent: queued, or waiting for a retry.',
    labelNames: campaignLabels,
    registers,
  });
  for (const row of await sql.query<CampaignRow & { depth: number }>(QUEUE_SQL, [WAITING_STATUSES]))
    queue.set({ tenant: row.tenant, campaign: row.campaign }, Number(row.depth));

  const agents = new Gauge({
    name: 'pronto_agents',
    help: 'Agents by state.',
    labelNames: ['tenant', 'state'],
    registers,
  });
  for (const row of await sql.query<{ tenant: string; state: string | null; agents: number }>(AGENTS_SQL)) {
    for (const state of AgentState.enum) agents.inc({ tenant: row.tenant, state }, 0);
    if (row.state !== null) agents.set({ tenant: row.tenant, state: row.state }, Number(row.agents));
  }
  return registry;
}

/**
 * GET /metrics, in Prometheus text format. The figures are counted in the database at each scrape,
 * so every process serving it gives the same numbers and a restart resets nothing; only the
 * process metrics (pronto_process_*, pronto_nodejs_*) are this process's own.
 */
export async function registerMetrics(app: FastifyInstance, deps: MetricsDeps): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const processMetrics = new Registry();
  collectDefaultMetrics({ register: processMetrics, prefix: 'pronto_' });
  // Scrapes that arrive together (two Prometheus servers, a retry) share one set of queries.
  let inFlight: Promise<string> | undefined;
  const scrape = async () => {
    const figures = await collectFigures(deps.sql, now());
    return Registry.merge([figures, processMetrics]).metrics();
  };

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    inFlight ??= scrape().finally(() => {
      inFlight = undefined;
    });
    const text = await inFlight;
    return reply.type(Registry.PROMETHEUS_CONTENT_TYPE).send(text);
  });
}
