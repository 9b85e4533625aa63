import { BREACH_REASONS } from './fold-lead-fact.ts';
import type { GroupBy, SlaQuery } from './sla-report.ts';

const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The whole hours of a report's period the rollup can answer for, [from, to) in ms. */
export interface RollupSpan {
  from: number;
  to: number;
  /** The whole UTC days inside it whose speeds come from the daily rows; empty (both `to`): none. */
  dayFrom: number;
  dayTo: number;
}

/**
 * The whole UTC hours inside the period that have ended by the report's "now", when the rollup
 * carries the report's slicing and filters (not agents or groups); undefined when there are none.
 */
export function rollupSpan(query: SlaQuery): RollupSpan | undefined {
  if (query.group !== undefined || query.groupBy === 'agent' || query.groupBy === 'group') return undefined;
  const from = Math.ceil(query.from.getTime() / HOUR_MS) * HOUR_MS;
  const to = Math.min(
    Math.floor(query.to.getTime() / HOUR_MS) * HOUR_MS,
    Math.floor(query.now.getTime() / HOUR_MS) * HOUR_MS,
  );
  if (to <= from) return undefined;
  const dayFrom = Math.ceil(from / DAY_MS) * DAY_MS;
  const dayTo = Math.floor(to / DAY_MS) * DAY_MS;
  return dayTo > dayFrom ? { from, to, dayFrom, dayTo } : { from, to, dayFrom: to, dayTo: to };
}

/**
 * The rows of the span's dirty hours (`spans`), each hour read through report_lead's period index.
 * For leadsSql() (sla-report.ts); the period's ends outside the span are read beside them.
 */
export const ROLLUP_LEADS_FROM = `spans p CROSS JOIN LATERAL (
         SELECT * FROM report_lead r WHERE r.tenant_id = $1
            AND COALESCE(r.due_at, r.first_seen_at) >= p.f AND COALESCE(r.due_at, r.first_seen_at) < p.t
         -- Kept a subquery per span (not flattened into one scan of the whole table).
         OFFSET 0) r`;

/** A slice's key from a rollup row (u) and its campaign (c): the same text as the rows' slice. */
const ROLLUP_SLICE: Partial<Record<GroupBy, string>> = { campaign: 'c.slug', hour: 'u.local_hour::text' };
/** The daily rows: with the local hour for groupBy=hour only (the others read 5 times fewer rows). */
const dailyTable = (groupBy: GroupBy | undefined) =>
  groupBy === 'hour' ? 'report_rollup_speed_day_local' : 'report_rollup_speed_day';
const DAY_OF = (column: string) => `date_bin('24 hours', ${column}, TIMESTAMPTZ '1970-01-01 00:00:00+00')`;
const ELIGIBLE = `result IN ('met', 'breached', 'open')`;
const PERCENTILES = [0.5, 0.9, 0.99];

/**
 * The report's statement over the rollup (parameters as slaReport's, plus $6-$10: the span, its
 * whole days' bounds and their starts), in ONE statement so that the dirty marks, the rollup and the
 * rows are read in the same snapshot. Counts are sums; each percentile is the nearest rank, ceil(p x
 * n) computed in float8 as percentile_disc does, found in the cumulative 1-second histogram of the
 * rollup's and the rows' speeds. A clean hour's sums equal its rows: any change since left a mark.
 */
export function rollupFigureSql(
  groupBy: GroupBy | undefined,
  /** The rows outside the rollup (the period's ends and the dirty hours), with result and slice. */
  leads: string,
  seconds: (column: string, anchor: string) => string,
): string {
  const slice = groupBy ? ROLLUP_SLICE[groupBy] : 'NULL::text';
  if (slice === undefined) throw new Error(`the rollup has no ${groupBy} slices`);
  const rolled = (
    table: string,
    from = '$6',
    to = '$7',
  ) => `FROM ${table} u JOIN campaign c ON c.id = u.campaign_id
     WHERE u.tenant_id = $1 AND u.hour >= ${from} AND u.hour < ${to} AND u.hour NOT IN (SELECT hour FROM dirty)
       AND ($4::text IS NULL OR c.slug = $4)`;
  const groups = (by: string) =>
    groupBy
      ? `slice, GROUPING(slice) = 1 AS total FROM ${by} GROUP BY GROUPING SETS`
      : `NULL::text AS slice, true AS total FROM ${by} GROUP BY`;
  const sum = (filter: string) => `COALESCE(sum(n) FILTER (WHERE ${filter}), 0)::int`;
  const rank = (upto: string, all: string) =>
    `ARRAY[${PERCENTILES.map(
      (p) =>
        `min(seconds) FILTER (WHERE ${all} > 0 AND ${upto}::float8 >= ceil(${p}::float8 * ${all}::float8))`,
    ).join(', ')}]::int[]`;
  return `WITH dirty AS MATERIALIZED (
       SELECT DISTINCT hour FROM report_rollup_dirty WHERE tenant_id = $1 AND hour >= $6 AND hour < $7
     ), spans AS (
       SELECT hour AS f, hour + interval '1 hour' AS t FROM dirty
     ), l AS (${leads}
     ), dirty_days AS MATERIALIZED (
       -- Whole days of the span with a dirty hour: their clean hours' speeds from the hourly rows.
       SELECT DISTINCT ${DAY_OF('hour')} AS d FROM dirty WHERE hour >= $8 AND hour < $9
     ), days AS (
       -- The other whole days: their speeds from the daily rows.
       SELECT d FROM unnest($10::timestamptz[]) AS d WHERE d NOT IN (SELECT d FROM dirty_days)
     ), counted AS (
       SELECT ${slice} AS slice, u.result, u.reason, u.first_in_sla, u.contacted, u.leads AS n ${rolled('report_rollup')}
       UNION ALL
       SELECT slice, result, CASE WHEN result = 'breached' THEN reason END,
              ${ELIGIBLE} AND (first_attempt_at <= due_at) IS TRUE, ${ELIGIBLE} AND contacted_at IS NOT NULL, 1
         FROM l
     ), figures AS (
       SELECT ${sum(ELIGIBLE)} AS eligible,
              ${['met', 'breached', 'open', 'suppressed'].map((result) => `${sum(`result = '${result}'`)} AS ${result}`).join(', ')},
              ${sum('first_in_sla')} AS first_in_sla, ${sum('contacted')} AS contacted,
              ${BREACH_REASONS.map((reason) => `${sum(`result = 'breached' AND reason = '${reason}'`)} AS r_${reason}`).join(',\n              ')},
              ${groups('counted')} ${groupBy ? '((), (slice))' : '()'}
     ), speeds AS (
       SELECT ${slice} AS slice, u.seconds, u.first_dials, u.contacts
         FROM ${dailyTable(groupBy)} u JOIN campaign c ON c.id = u.campaign_id
        WHERE u.tenant_id = $1 AND u.day IN (SELECT d FROM days) AND ($4::text IS NULL OR c.slug = $4)
       UNION ALL
       -- The span's hours before and after its whole days (their bounds are known when planning).
       SELECT ${slice} AS slice, u.seconds, u.first_dials, u.contacts ${rolled('report_rollup_speed', '$6', '$8')}
       UNION ALL
       SELECT ${slice} AS slice, u.seconds, u.first_dials, u.contacts ${rolled('report_rollup_speed', '$9', '$7')}
       UNION ALL
       SELECT x.* FROM dirty_days h CROSS JOIN LATERAL (
         SELECT ${slice} AS slice, u.seconds, u.first_dials, u.contacts
           ${rolled('report_rollup_speed', 'h.d', "h.d + interval '24 hours'")}) x
       UNION ALL
       SELECT l.slice, s.seconds, s.first_dials, s.contacts
         FROM l CROSS JOIN LATERAL (VALUES (${seconds('l.first_attempt_at', 'l.anchor_at')}, 1, 0),
                                           (${seconds('l.contacted_at', 'l.anchor_at')}, 0, 1)) AS s(seconds, first_dials, contacts)
        WHERE l.${ELIGIBLE} AND s.seconds IS NOT NULL
     ), ${
       groupBy
         ? `sliced AS (
       SELECT slice, seconds, sum(first_dials) AS first_dials, sum(contacts) AS contacts FROM speeds GROUP BY slice, seconds
     ), histogram AS (
       -- The total's histogram from the slices': far fewer rows than the speeds.
       SELECT slice, false AS total, seconds, first_dials, contacts FROM sliced
       UNION ALL
       SELECT NULL::text, true, seconds, sum(first_dials), sum(contacts) FROM sliced GROUP BY seconds`
         : `histogram AS (
       SELECT NULL::text AS slice, true AS total, seconds, sum(first_dials) AS first_dials, sum(contacts) AS contacts
         FROM speeds GROUP BY seconds`
     }
     ), running AS (
       SELECT slice, total, seconds,
              sum(first_dials) OVER upto AS dials_upto, sum(first_dials) OVER whole AS dials,
              sum(contacts) OVER upto AS contacts_upto, sum(contacts) OVER whole AS contacts
         FROM histogram WINDOW whole AS (PARTITION BY total, slice), upto AS (whole ORDER BY seconds)
     ), ranks AS (
       SELECT slice, total, ${rank('dials_upto', 'dials')} AS lead_p, ${rank('contacts_upto', 'contacts')} AS contact_p
         FROM running GROUP BY slice, total
     )
     SELECT f.*, r.lead_p, r.contact_p
       FROM figures f LEFT JOIN ranks r ON r.total = f.total AND r.slice IS NOT DISTINCT FROM f.slice`;
}
