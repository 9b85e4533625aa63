import type { SqlQueryable } from '@pronto/db';

/**
 * The staffing advice's reads. Every query is scoped to the caller's tenant ($1), so another
 * tenant's campaign, leads, attempts and agents never enter an answer. The dispatcher reads the
 * agents' state history (agent_state_span) as reporting's KPIs do; docs/architecture.md lists the
 * tables and their writers.
 */

export interface CampaignRow {
  id: string;
  slug: string;
  time_zone: string;
  sla_seconds: number;
  sla_clock: string;
  calling_windows: unknown;
  holidays: unknown;
  overflow_threshold_seconds: number;
  retry_policy: unknown;
  dialer_profile: unknown;
  agent_groups: string[];
  /** The campaign's attainment alert threshold (alert settings), its attainment target; null when unset. */
  attainment_target: number | null;
}

/** The tenant's campaign of that slug, or undefined (another tenant's campaign is not found either). */
export async function findCampaign(
  sql: SqlQueryable,
  tenantId: string,
  slug: string,
): Promise<CampaignRow | undefined> {
  const [row] = await sql.query<CampaignRow>(
    `SELECT c.id::text, c.slug, c.time_zone, c.sla_seconds, c.sla_clock, c.calling_windows, c.holidays,
            c.overflow_threshold_seconds, c.retry_policy, c.dialer_profile, c.agent_groups,
            a.attainment_below::float8 AS attainment_target
       FROM campaign c LEFT JOIN alert_campaign a ON a.campaign_id = c.id
      WHERE c.tenant_id = $1 AND c.slug = $2`,
    [tenantId, slug],
  );
  return row;
}

/** A span of time, epoch ms [from, to). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

const isoList = (spans: readonly Span[], end: 'from' | 'to') =>
  spans.map((span) => new Date(span[end]).toISOString());

/**
 * The campaign's leads per past day and local hour (the campaign's zone): for each day of `days`
 * (their local midnights), 24 counts by the hour of lead.received_at there. A lead is counted once,
 * by when it first arrived; a repeated intent of the same person does not add an arrival.
 */
export async function leadsByDayAndHour(
  sql: SqlQueryable,
  tenantId: string,
  campaign: Pick<CampaignRow, 'id' | 'time_zone'>,
  days: readonly Span[],
): Promise<number[][]> {
  const rows = await sql.query<{ day: number; hour: number; leads: number }>(
    `SELECT d.day::int AS day, extract(hour FROM l.received_at AT TIME ZONE $3)::int AS hour, count(*)::int AS leads
       FROM unnest($4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS d(day_from, day_to, day)
       JOIN lead l ON l.tenant_id = $1 AND l.campaign_id = $2
                  AND l.received_at >= d.day_from AND l.received_at < d.day_to
      GROUP BY 1, 2`,
    [tenantId, campaign.id, campaign.time_zone, isoList(days, 'from'), isoList(days, 'to')],
  );
  const counts = days.map(() => Array.from({ length: 24 }, () => 0));
  for (const row of rows) {
    const day = counts[row.day - 1];
    if (day && row.hour >= 0 && row.hour < 24) day[row.hour] = (day[row.hour] ?? 0) + row.leads;
  }
  return counts;
}

/**
 * The campaign's contacts that ended in `period`, and their mean handle time: talk (bridged..ended)
 * plus wrap-up (ended..released, until `now` for one still in wrap-up), as reporting's KPIs measure them.
 */
export async function handleTime(
  sql: SqlQueryable,
  tenantId: string,
  campaignId: string,
  period: Span,
  now: Date,
): Promise<{ contacts: number; meanSeconds: number | null }> {
  const [row] = await sql.query<{ contacts: number; mean_seconds: number | null }>(
    `SELECT count(*)::int AS contacts,
            avg(extract(epoch FROM a.ended_at - a.bridged_at)
                + GREATEST(extract(epoch FROM COALESCE(a.released_at, $5::timestamptz) - a.ended_at), 0))::float8
              AS mean_seconds
       FROM attempt a JOIN lead l ON l.id = a.lead_id
      WHERE l.tenant_id = $1 AND COALESCE(a.campaign_id, l.campaign_id) = $2
        AND a.outcome = 'contacted' AND a.bridged_at IS NOT NULL
        AND a.ended_at >= $3 AND a.ended_at < $4`,
    [
      tenantId,
      campaignId,
      new Date(period.from).toISOString(),
      new Date(period.to).toISOString(),
      now.toISOString(),
    ],
  );
  return { contacts: row?.contacts ?? 0, meanSeconds: row?.mean_seconds ?? null };
}

/**
 * For each hour, the seconds the agents of the campaign's groups spent in any state but offline
 * within it (up to `now`): their closed state spans and the state each is in now (open since
 * agent.state_since), clipped to the hour, as reporting's KPIs count an agent's login time.
 */
export async function signedInSeconds(
  sql: SqlQueryable,
  tenantId: string,
  groups: readonly string[],
  hours: readonly Span[],
  now: Date,
): Promise<number[]> {
  if (hours.length === 0) return [];
  const first = hours[0] as Span;
  const last = hours[hours.length - 1] as Span;
  const rows = await sql.query<{ n: number; seconds: number }>(
    `WITH ag AS (SELECT id FROM agent WHERE tenant_id = $1 AND groups && $2::text[]),
     span AS (
       SELECT s.agent_id, s.started_at AS span_from, s.ended_at AS span_to FROM agent_state_span s
        WHERE s.tenant_id = $1 AND s.state <> 'offline' AND s.started_at < $7 AND s.ended_at > $6
       UNION ALL
       SELECT g.id, g.state_since, $5::timestamptz FROM agent g
        WHERE g.tenant_id = $1 AND g.state <> 'offline' AND g.state_since < $5),
     present AS (SELECT span.* FROM span JOIN ag ON ag.id = span.agent_id),
     h AS (SELECT * FROM unnest($3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS h(hour_from, hour_to, n))
     -- LEAST and GREATEST skip NULLs: an hour nobody was in must not count as a whole hour.
     SELECT h.n::int AS n,
            COALESCE(sum(GREATEST(extract(epoch FROM LEAST(p.span_to, h.hour_to, $5::timestamptz)
                                                   - GREATEST(p.span_from, h.hour_from)), 0))
                       FILTER (WHERE p.agent_id IS NOT NULL), 0)::float8 AS seconds
       FROM h LEFT JOIN present p ON p.span_from < h.hour_to AND p.span_to > h.hour_from
      GROUP BY h.n ORDER BY h.n`,
    [
      tenantId,
      groups,
      isoList(hours, 'from'),
      isoList(hours, 'to'),
      now.toISOString(),
      new Date(first.from).toISOString(),
      new Date(last.to).toISOString(),
    ],
  );
  const seconds = hours.map(() => 0);
  for (const row of rows) seconds[row.n - 1] = row.seconds;
  return seconds;
}
