import { isDatabaseUnavailable, type Sql, type SqlQueryable } from '@pronto/db';
import type { ReportRow } from '@pronto/sla';
import { breachReasonSql, LOCAL_HOUR_SQL, leadResultSql } from '@pronto/sla';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Only one refresh at a time: two would each delete and re-insert the same hours' sums. */
const REFRESH_LOCK = 7_204_311_902;
/** The UTC hour of a report_lead period column, as SQL (date_bin does not depend on the session's zone). */
export const hourSql = (column: string) =>
  `date_bin('1 hour', ${column}, TIMESTAMPTZ '1970-01-01 00:00:00+00')`;

/** The start of the UTC hour a row's period falls in (its due time, else its arrival). */
export function rowHour(row: ReportRow): number {
  const at = (row.dueAt ?? row.firstSeenAt).getTime();
  return Math.floor(at / HOUR_MS) * HOUR_MS;
}

/**
 * Marks every hour of a tenant's (or every tenant's) rows and sums dirty, after report_lead was
 * replaced wholesale (a rebuild): the report reads those hours from report_lead until they are summed.
 */
export async function markEveryHourDirty(tx: SqlQueryable, tenantId?: string): Promise<void> {
  await tx.query(
    `INSERT INTO report_rollup_dirty (tenant_id, hour)
     SELECT tenant_id, ${hourSql('COALESCE(due_at, first_seen_at)')} FROM report_lead
      WHERE $1::uuid IS NULL OR tenant_id = $1
     UNION SELECT tenant_id, hour FROM report_rollup WHERE $1::uuid IS NULL OR tenant_id = $1
     ON CONFLICT DO NOTHING`,
    [tenantId ?? null],
  );
}

/** The leads of the hours in $1 (tenants) and $2 (hour starts), with their result at $3, as SQL. */
const HOUR_LEADS = `SELECT d.hour, r.*, ${LOCAL_HOUR_SQL} AS local_hour, ${leadResultSql('$3')} AS result,
            ${breachReasonSql('r.')} AS reason
       FROM unnest($1::uuid[], $2::timestamptz[]) AS d(tenant_id, hour)
      -- One index range per hour (not one join of every hour with every row of the tenant).
      CROSS JOIN LATERAL (
        SELECT * FROM report_lead r WHERE r.tenant_id = d.tenant_id
           AND COALESCE(r.due_at, r.first_seen_at) >= d.hour
           AND COALESCE(r.due_at, r.first_seen_at) < d.hour + interval '1 hour'
        OFFSET 0) r
       JOIN campaign c ON c.id = r.campaign_id`;

/** A tenant's hour that could not be summed; it stays dirty, so the report reads it from report_lead. */
export interface RollupFailure {
  tenantId: string;
  hour: Date;
  error: unknown;
}

/**
 * Sums again every dirty hour that has ended by `now`, from report_lead, in one transaction, and
 * returns how many hours it summed. It first deletes the marks it sees, then reads the rows: a
 * fact committed after that delete left a mark of its own (one per transaction), so its hour is
 * summed again next time. Hours not yet ended stay dirty: the report reads them from report_lead.
 *
 * One tenant's hour that the database cannot sum (a row it refuses to read) must not stall every
 * tenant's: when the one transaction fails, each tenant-hour is summed in a transaction of its own,
 * and those that fail again are told to `onFailure`, left dirty, and skipped.
 */
export async function refreshRollup(
  sql: Sql,
  now: Date,
  onFailure?: (failure: RollupFailure) => void,
): Promise<number> {
  try {
    return await sql.transaction((tx) => refreshHours(tx, now));
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    const marks = await sql.query<{ tenant_id: string; hour: Date }>(
      `SELECT DISTINCT tenant_id::text, hour FROM report_rollup_dirty WHERE hour + interval '1 hour' <= $1`,
      [now.toISOString()],
    );
    let summed = 0;
    for (const mark of marks) {
      const only = { tenantId: mark.tenant_id, hour: new Date(mark.hour) };
      try {
        summed += await sql.transaction((tx) => refreshHours(tx, now, only));
      } catch (hourError) {
        if (isDatabaseUnavailable(hourError)) throw hourError;
        onFailure?.({ ...only, error: hourError });
      }
    }
    return summed;
  }
}

async function refreshHours(
  tx: SqlQueryable,
  now: Date,
  only?: { tenantId: string; hour: Date },
): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK]);
  const marked = await tx.query<{ tenant_id: string; hour: Date }>(
    `DELETE FROM report_rollup_dirty WHERE hour + interval '1 hour' <= $1
          AND ($2::uuid IS NULL OR (tenant_id = $2 AND hour = $3))
        RETURNING tenant_id::text, hour`,
    [now.toISOString(), only?.tenantId ?? null, only?.hour.toISOString() ?? null],
  );
  const hours = new Map(marked.map((mark) => [`${mark.tenant_id} ${new Date(mark.hour).getTime()}`, mark]));
  if (hours.size === 0) return 0;
  const params = [
    [...hours.values()].map((mark) => mark.tenant_id),
    [...hours.values()].map((mark) => new Date(mark.hour).toISOString()),
  ];
  for (const table of ['report_rollup', 'report_rollup_speed'])
    await tx.query(
      `DELETE FROM ${table} t USING unnest($1::uuid[], $2::timestamptz[]) AS d(tenant_id, hour)
          WHERE t.tenant_id = d.tenant_id AND t.hour = d.hour`,
      params,
    );
  // An hour that has ended has no open lead: eligible is met or breached.
  const eligible = `l.result IN ('met', 'breached')`;
  await tx.query(
    `INSERT INTO report_rollup (tenant_id, campaign_id, hour, local_hour, result, reason, first_in_sla, contacted, leads)
       SELECT tenant_id, campaign_id, hour, local_hour, result,
              CASE WHEN result = 'breached' THEN reason END,
              ${eligible} AND (l.first_attempt_at <= l.due_at) IS TRUE, ${eligible} AND l.contacted_at IS NOT NULL,
              count(*)
         FROM (${HOUR_LEADS}) l
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
    [...params, now.toISOString()],
  );
  await tx.query(
    `INSERT INTO report_rollup_speed (tenant_id, campaign_id, hour, local_hour, seconds, first_dials, contacts)
       SELECT tenant_id, campaign_id, hour, local_hour, seconds, sum(first_dials), sum(contacts)
         FROM (SELECT l.tenant_id, l.campaign_id, l.hour, l.local_hour, s.seconds, s.first_dials, s.contacts
                 FROM (${HOUR_LEADS}) l
                 CROSS JOIN LATERAL (VALUES
                   (ceil(extract(epoch FROM l.first_attempt_at - l.anchor_at))::int, 1, 0),
                   (ceil(extract(epoch FROM l.contacted_at - l.anchor_at))::int, 0, 1)) AS s(seconds, first_dials, contacts)
                WHERE ${eligible} AND s.seconds IS NOT NULL) x
        GROUP BY 1, 2, 3, 4, 5`,
    [...params, now.toISOString()],
  );
  // Each day of a summed hour: the sum of its hours again.
  const days = new Map(
    [...hours.values()].map((mark) => {
      const day = Math.floor(new Date(mark.hour).getTime() / DAY_MS) * DAY_MS;
      return [`${mark.tenant_id} ${day}`, { tenantId: mark.tenant_id, day: new Date(day).toISOString() }];
    }),
  );
  const dayParams = [[...days.values()].map((d) => d.tenantId), [...days.values()].map((d) => d.day)];
  for (const [table, localHour] of [
    ['report_rollup_speed_day', []],
    ['report_rollup_speed_day_local', ['local_hour']],
  ] as const) {
    await tx.query(
      `DELETE FROM ${table} t USING unnest($1::uuid[], $2::timestamptz[]) AS d(tenant_id, day)
          WHERE t.tenant_id = d.tenant_id AND t.day = d.day`,
      dayParams,
    );
    const columns = ['campaign_id', ...localHour, 'seconds'].map((column) => `u.${column}`).join(', ');
    await tx.query(
      `INSERT INTO ${table} (tenant_id, day, ${columns.replaceAll('u.', '')}, first_dials, contacts)
         SELECT u.tenant_id, d.day, ${columns}, sum(u.first_dials), sum(u.contacts)
           FROM unnest($1::uuid[], $2::timestamptz[]) AS d(tenant_id, day)
           JOIN report_rollup_speed u ON u.tenant_id = d.tenant_id
            AND u.hour >= d.day AND u.hour < d.day + interval '24 hours'
          GROUP BY u.tenant_id, d.day, ${columns}`,
      dayParams,
    );
  }
  return hours.size;
}
