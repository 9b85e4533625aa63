import type { Sql } from '@pronto/db';
import { DEMO } from './seed-demo.ts';

/** Weeks of past leads the demo campaign starts with: what the staffing forecast averages by default. */
export const DEMO_HISTORY_WEEKS = 4;

/**
 * A lead-response campaign's day, by local hour 0-23 (relative weights): quiet at night, a
 * mid-morning peak as people check offers at work, a lunch dip, and a second peak in the early
 * evening at home.
 */
const HOURLY_WEIGHTS = [
  0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.6, 1.8, 3.6, 5.6, 7.2, 7.0, 5.6, 5.0, 5.2, 5.6, 6.2, 7.0, 7.8, 7.4, 5.8,
  4.0, 2.4, 1.2,
];
/** Leads a day, Monday to Sunday: about 400 on working days, fewer at the weekend. */
const DAILY_LEADS = [430, 410, 400, 400, 380, 260, 200];
const WEIGHT_SUM = HOURLY_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
/** The share of a day's leads that arrive in each local hour. */
const HOURLY_SHARES = HOURLY_WEIGHTS.map((weight) => weight / WEIGHT_SUM);
/** PostgreSQL's random() from this seed: the same history on every start of the same database engine. */
const SEED = 0.18;

/**
 * The history in one statement: every local hour of the weeks before today (in the campaign's
 * zone, so a day of a clock change has its real hours: a local hour that does not exist is skipped),
 * a count around its day's and hour's share (+-25 %), and that many leads spread over the hour.
 * $1 tenant, $2 campaign, $3 zone, $4 now, $5 weeks, $6 leads a day (Monday first), $7 hourly shares.
 */
const INSERT_HISTORY = `
  WITH today AS (SELECT ($4::timestamptz AT TIME ZONE $3)::date AS day),
  hours AS (
    SELECT local_hour, local_hour AT TIME ZONE $3 AS starts_at
      FROM today, generate_series((today.day - 7 * $5::int)::timestamp, today.day::timestamp - interval '1 hour',
                                  interval '1 hour') AS local_hour
     WHERE (local_hour AT TIME ZONE $3) AT TIME ZONE $3 = local_hour),
  counts AS (
    SELECT starts_at,
           round(($6::float8[])[extract(isodow FROM local_hour)::int]
                 * ($7::float8[])[extract(hour FROM local_hour)::int + 1] * (0.75 + 0.5 * random()))::int AS leads
      FROM hours ORDER BY starts_at),
  arrivals AS (
    SELECT c.starts_at + random() * interval '1 hour' AS at
      FROM counts c CROSS JOIN LATERAL generate_series(1, c.leads) AS n),
  inserted AS (
  INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, score, received_at, last_intent_at, closed_at, updated_at)
  SELECT $1, $2, '+480' || lpad((row_number() OVER (ORDER BY at))::text, 8, '0'), 'dispositioned', 50,
         at, at, at + interval '10 minutes', at + interval '10 minutes'
    FROM arrivals RETURNING 1)
  SELECT count(*)::int AS leads FROM inserted`;

/**
 * Gives the demo campaign four weeks of past leads (about 400 a working day), so that a manager
 * opening the staffing page on the first `npm start` sees a forecast at once. Done once: not when
 * the campaign already has a lead from before today (an earlier start's history, or real use).
 *
 * The leads are closed (status dispositioned, closed_at set, scored), so nothing dispatches, scores
 * or reports them, and ingest never merges a new event into one (it merges only into an open lead
 * of the same number). Their numbers, +480 and eight digits, are not Polish numbers (no Polish
 * number starts with 0), so no real or test event can carry one. No attempts are invented: the
 * staffing advice takes the handle time from the dialer profile until real contacts exist.
 */
export async function seedDemoHistory(
  sql: Sql,
  options: { tenantId: string; now: Date; weeks?: number },
): Promise<{ leads: number }> {
  const [campaign] = await sql.query<{ id: string; time_zone: string; has_history: boolean }>(
    `SELECT c.id::text, c.time_zone,
            EXISTS (SELECT 1 FROM lead l WHERE l.tenant_id = c.tenant_id AND l.campaign_id = c.id
                       AND l.received_at < (($3::timestamptz AT TIME ZONE c.time_zone)::date::timestamp
                                            AT TIME ZONE c.time_zone)) AS has_history
       FROM campaign c WHERE c.tenant_id = $1 AND c.slug = $2`,
    [options.tenantId, DEMO.campaign, options.now.toISOString()],
  );
  if (!campaign || campaign.has_history) return { leads: 0 };
  const [inserted] = await sql.transaction(async (tx) => {
    await tx.query('SELECT setseed($1)', [SEED]);
    return tx.query<{ leads: number }>(INSERT_HISTORY, [
      options.tenantId,
      campaign.id,
      campaign.time_zone,
      options.now.toISOString(),
      options.weeks ?? DEMO_HISTORY_WEEKS,
      DAILY_LEADS,
      HOURLY_SHARES,
    ]);
  });
  return { leads: inserted?.leads ?? 0 };
}
