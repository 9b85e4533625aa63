import type { SqlQueryable } from '@pronto/db';
import { labelAgentSlices } from './agent-labels.ts';
import { BREACH_REASONS, type BreachReason } from './fold-lead-fact.ts';
import { DAY_MS, ROLLUP_LEADS_FROM, rollupFigureSql, rollupSpan } from './sla-rollup-query.ts';

export const GROUP_BY = ['campaign', 'agent', 'group', 'hour'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/**
 * Upper bounds (seconds) of the speed-to-lead histograms (pronto_speed_to_lead_seconds, the
 * dashboard's): dense around a five-minute SLA.
 */
export const SPEED_TO_LEAD_BUCKETS = [5, 10, 15, 30, 60, 120, 180, 240, 300, 600, 1800] as const;

export interface SlaQuery {
  tenantId: string;
  /** The period [from, to): leads whose due time falls in it (suppressed ones: their arrival). */
  from: Date;
  to: Date;
  /** A campaign's slug; all the tenant's campaigns when absent. */
  campaign?: string;
  /** An agent group (the contact's, else the first dial's); all leads when absent. */
  group?: string;
  groupBy?: GroupBy;
  now: Date;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface SlaFigures {
  eligible: number;
  met: number;
  breached: number;
  open: number;
  suppressed: number;
  /** met / eligible; null when nothing is eligible. */
  attainment: number | null;
  /** Share of eligible leads first dialed by their due time (speed-to-dial). */
  firstAttemptWithinSla: number | null;
  /** Seconds from the SLA anchor to the first dial. */
  speedToLead: Percentiles;
  /** Seconds from the SLA anchor to the contact. */
  speedToContact: Percentiles;
  /** Share of eligible leads contacted at all (in time or late). */
  contactRate: number | null;
  breachReasons: Record<BreachReason, number>;
}

export interface SlaSlice extends SlaFigures {
  /** The campaign's slug, the agent's id, the group, or the hour (0-23, in the lead's zone); null: none. */
  key: string | null;
  /** The agent's name, for groupBy=agent. */
  label?: string;
}

export interface SlaReport extends SlaFigures {
  from: string;
  to: string;
  campaign: string | null;
  groupBy: GroupBy | null;
  generatedAt: string;
  slices: SlaSlice[];
}

/** The hour (0-23) of a report row's (r) anchor in its zone, else its campaign's (c). */
export const LOCAL_HOUR_SQL =
  'extract(hour FROM r.anchor_at AT TIME ZONE COALESCE(r.time_zone, c.time_zone))::int';

/** The slice key of a report row (r) and its campaign (c), per groupBy. */
const SLICE_KEY: Record<GroupBy, string> = {
  campaign: 'c.slug',
  agent: 'COALESCE(r.contact_agent_id, r.first_attempt_agent_id)',
  group: 'COALESCE(r.contact_group, r.first_attempt_group)',
  hour: `${LOCAL_HOUR_SQL}::text`,
};

/**
 * Seconds from a report row's (r) anchor to `column`, as the percentiles count them: whole seconds,
 * rounded up, so "p90 = 60" reads "90 % of the leads within 60 seconds".
 */
export const secondsSql = (column: string, anchor = 'r.anchor_at') =>
  `ceil(extract(epoch FROM ${column} - ${anchor}))::int`;

/** leadResult() (fold-lead-fact.ts) as SQL over a report row (r), at the time in `now`. */
export function leadResultSql(now: string): string {
  return `CASE WHEN r.suppression_reason IS NOT NULL THEN 'suppressed'
                 WHEN r.due_at IS NULL THEN 'no_sla'
                 WHEN r.contacted_at IS NOT NULL AND r.contacted_at <= r.due_at THEN 'met'
                 WHEN r.due_at < ${now} THEN 'breached'
                 ELSE 'open' END`;
}

/**
 * breachReason() (fold-lead-fact.ts) as an SQL expression over report_lead's columns, for the
 * report and for /metrics; `prefix` qualifies the columns (`r.`).
 */
export function breachReasonSql(prefix = ''): string {
  return `CASE WHEN ${prefix}dials_before_due = 0 THEN
                   CASE WHEN ${prefix}blocked_window_before_due THEN 'outside_window'
                        WHEN ${prefix}missed_offer_before_due THEN 'agent_missed_offer'
                        ELSE 'no_agent_available' END
                 WHEN ${prefix}last_outcome_before_due = 'failed' THEN 'dialer_error'
                 ELSE 'no_answer_all_attempts' END`;
}

/**
 * What happened to each lead of the period, as SQL: the result (met, breached, open, suppressed)
 * and, for a breach, its reason: the same rules as leadResult() and breachReason() in
 * fold-lead-fact.ts, which a test holds to this.
 */
export function perLeadSql(groupBy: GroupBy | undefined, table = 'report_lead'): string {
  return leadsSql(
    groupBy,
    `${table} r`,
    'COALESCE(r.due_at, r.first_seen_at) >= $2 AND COALESCE(r.due_at, r.first_seen_at) < $3',
  );
}

/** perLeadSql() over the rows of `from` (report_lead as r, maybe joined) that satisfy `period`. */
export function leadsSql(groupBy: GroupBy | undefined, from: string, period: string): string {
  return `SELECT r.*, c.slug AS campaign_slug,
            ${leadResultSql('$5')} AS result,
            ${breachReasonSql('r.')} AS reason,
            ${groupBy ? SLICE_KEY[groupBy] : 'NULL::text'} AS slice
       FROM ${from} JOIN campaign c ON c.id = r.campaign_id
      WHERE r.tenant_id = $1
        AND ${period}
        AND ($4::text IS NULL OR c.slug = $4)`;
}

/** One row of the report's statement: a slice's figures, or the total's. */
export interface FigureRow {
  slice: string | null;
  total: boolean;
  eligible: number;
  met: number;
  breached: number;
  open: number;
  suppressed: number;
  first_in_sla: number;
  contacted: number;
  lead_p: (number | null)[] | null;
  contact_p: (number | null)[] | null;
  [reason: `r_${string}`]: number;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const percentiles = (values: (number | null)[] | null): Percentiles => ({
  p50: values?.[0] ?? null,
  p90: values?.[1] ?? null,
  p99: values?.[2] ?? null,
});

function figures(row: FigureRow): SlaFigures {
  const eligible = Number(row.eligible);
  const breachReasons = Object.fromEntries(
    BREACH_REASONS.map((reason) => [reason, Number(row[`r_${reason}`] ?? 0)]),
  ) as Record<BreachReason, number>;
  return {
    eligible,
    met: Number(row.met),
    breached: Number(row.breached),
    open: Number(row.open),
    suppressed: Number(row.suppressed),
    attainment: ratio(Number(row.met), eligible),
    firstAttemptWithinSla: ratio(Number(row.first_in_sla), eligible),
    speedToLead: percentiles(row.lead_p),
    speedToContact: percentiles(row.contact_p),
    contactRate: ratio(Number(row.contacted), eligible),
    breachReasons,
  };
}

/**
 * The SLA report of a tenant over a period (docs/architecture.md, the SLA definitions), overall and per slice. Over
 * report_lead, whole hours that have ended come from their rollup (sla-rollup.ts) where it carries
 * the slicing and filters, and the rest from the rows: the same figures as slaReportFromRows().
 */
export async function slaReport(
  sql: SqlQueryable,
  query: SlaQuery,
  /** report_lead, or a table of its shape (a recomputation: rows only). */
  table = 'report_lead',
): Promise<SlaReport> {
  const span = table === 'report_lead' ? rollupSpan(query) : undefined;
  if (!span) return slaReportFromRows(sql, query, table);
  // The rows outside the rollup: the period's ends (bounds known when planning), and its dirty hours.
  const at = 'COALESCE(r.due_at, r.first_seen_at)';
  const leads = `${leadsSql(query.groupBy, 'report_lead r', `((${at} >= $2 AND ${at} < $6) OR (${at} >= $7 AND ${at} < $3))`)}
     UNION ALL
     ${leadsSql(query.groupBy, ROLLUP_LEADS_FROM, 'true')}`;
  const rows = await sql.query<FigureRow>(rollupFigureSql(query.groupBy, leads, secondsSql), [
    ...periodParams(query),
    ...[span.from, span.to, span.dayFrom, span.dayTo].map((ms) => new Date(ms).toISOString()),
    Array.from({ length: (span.dayTo - span.dayFrom) / DAY_MS }, (_, i) =>
      new Date(span.dayFrom + i * DAY_MS).toISOString(),
    ),
  ]);
  return reportOf(sql, query, rows);
}

/**
 * The SLA report from report_lead's rows (or a table of its shape) alone. Percentiles are nearest-rank
 * (percentile_disc) over whole seconds rounded up: the rollup's 1-second histograms give the same.
 */
export async function slaReportFromRows(
  sql: SqlQueryable,
  query: SlaQuery,
  table = 'report_lead',
): Promise<SlaReport> {
  const eligible = `result IN ('met', 'breached', 'open')`;
  const rows = await sql.query<FigureRow>(
    `WITH l AS (${perLeadSql(query.groupBy, table)}${query.group === undefined ? '' : ` AND ${SLICE_KEY.group} = $6`})
     SELECT ${query.groupBy ? 'slice, GROUPING(slice) = 1' : 'NULL::text AS slice, true'} AS total,
            count(*) FILTER (WHERE ${eligible})::int AS eligible,
            count(*) FILTER (WHERE result = 'met')::int AS met,
            count(*) FILTER (WHERE result = 'breached')::int AS breached,
            count(*) FILTER (WHERE result = 'open')::int AS open,
            count(*) FILTER (WHERE result = 'suppressed')::int AS suppressed,
            count(*) FILTER (WHERE ${eligible} AND first_attempt_at <= due_at)::int AS first_in_sla,
            count(*) FILTER (WHERE ${eligible} AND contacted_at IS NOT NULL)::int AS contacted,
            percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (
              ORDER BY ${secondsSql('first_attempt_at', 'anchor_at')}) FILTER (WHERE ${eligible}) AS lead_p,
            percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (
              ORDER BY ${secondsSql('contacted_at', 'anchor_at')}) FILTER (WHERE ${eligible}) AS contact_p,
            ${BREACH_REASONS.map(
              (reason) =>
                `count(*) FILTER (WHERE result = 'breached' AND reason = '${reason}')::int AS r_${reason}`,
            ).join(',\n            ')}
       -- Without slices, one group: GROUPING SETS would sort every row by a constant first.
       FROM l GROUP BY ${query.groupBy ? 'GROUPING SETS ((), (slice))' : '()'}`,
    [...periodParams(query), ...(query.group === undefined ? [] : [query.group])],
  );
  return reportOf(sql, query, rows);
}

/** The report from its statement's rows: the total, the slices in order, the agents' names. */
async function reportOf(sql: SqlQueryable, query: SlaQuery, rows: FigureRow[]): Promise<SlaReport> {
  const total = rows.find((row) => row.total);
  const empty: FigureRow = {
    slice: null,
    total: true,
    eligible: 0,
    met: 0,
    breached: 0,
    open: 0,
    suppressed: 0,
    first_in_sla: 0,
    contacted: 0,
    lead_p: null,
    contact_p: null,
  };
  const slices = query.groupBy
    ? rows
        .filter((row) => !row.total)
        .map((row) => ({ key: row.slice, ...figures(row) }))
        .sort((a, b) => sliceOrder(a.key, b.key, query.groupBy as GroupBy))
    : [];
  if (query.groupBy === 'agent') await labelAgentSlices(sql, query.tenantId, slices);
  return {
    ...reportHeading(query),
    ...figures(total ?? empty),
    slices,
  };
}

function sliceOrder(a: string | null, b: string | null, groupBy: GroupBy): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return groupBy === 'hour' ? Number(a) - Number(b) : a.localeCompare(b);
}

/** What a report's statements (SLA and KPI) take as $1 to $5: tenant, period start and end, campaign or null, now. */
export function periodParams(query: {
  tenantId: string;
  from: Date;
  to: Date;
  campaign?: string | undefined;
  now: Date;
}): (string | null)[] {
  return [
    query.tenantId,
    query.from.toISOString(),
    query.to.toISOString(),
    query.campaign ?? null,
    query.now.toISOString(),
  ];
}

/** The fields a report (SLA or KPI) opens with: its period, campaign, grouping and when it was made. */
export function reportHeading<
  Q extends { from: Date; to: Date; campaign?: string | undefined; groupBy?: string | undefined; now: Date },
>(query: Q) {
  type Grouping = undefined extends Q['groupBy'] ? Exclude<Q['groupBy'], undefined> | null : Q['groupBy'];
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    campaign: query.campaign ?? null,
    groupBy: (query.groupBy ?? null) as Grouping,
    generatedAt: query.now.toISOString(),
  };
}
