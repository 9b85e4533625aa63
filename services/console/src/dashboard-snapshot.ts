import type { SqlQueryable } from '@pronto/db';
import {
  LIVE_WINDOW_MS,
  type Period,
  perLeadSql,
  type SlaFigures,
  SPEED_TO_LEAD_BUCKETS,
  slaReport,
} from '@pronto/sla';
import type { DashboardFilters } from './dashboard-filters.ts';
import { type TenantOperations, tenantOperations } from './tenant-operations.ts';

/** The most breaches one snapshot lists; the CSV has them all. */
export const MAX_LISTED_BREACHES = 500;

/** A lead's agent group as slaReport's group filter and slices read it: the contact's, else the first dial's. */
const GROUP_SQL = 'COALESCE(r.contact_group, r.first_attempt_group)';

export interface Breach {
  leadId: string;
  campaign: string;
  dueAt: string;
  reason: string;
  agentId: string | null;
  agentName: string | null;
}

export interface DashboardSnapshot {
  period: { from: string; to: string };
  filters: DashboardFilters['query'];
  figures: SlaFigures;
  /** The last 15 minutes, with the same campaign and group. */
  live: Pick<SlaFigures, 'eligible' | 'met' | 'breached' | 'open' | 'attainment'>;
  /** Attainment per hour of day in the lead's zone. */
  hours: { hour: number; eligible: number; met: number; attainment: number | null }[];
  /** Eligible leads dialed, by seconds from anchor to first dial: counts per bucket (upper bounds), then over the last. */
  speedToLead: { bounds: readonly number[]; counts: number[]; over: number };
  breaches: Breach[];
  operations: TenantOperations;
  campaigns: string[];
  groups: string[];
}

/**
 * What the dashboard shows for a tenant, its filters and period: the figures through slaReport(),
 * the lists and the histogram over its per-lead rows (perLeadSql), the queue and agents as
 * /metrics counts them. Nothing here depends on the time of the call except through `now`.
 */
export async function dashboardSnapshot(
  sql: SqlQueryable,
  input: { tenantId: string; filters: DashboardFilters; period: Period; now: Date },
): Promise<DashboardSnapshot> {
  const { tenantId, filters, period, now } = input;
  const scope = {
    tenantId,
    ...(filters.campaign ? { campaign: filters.campaign } : {}),
    ...(filters.group ? { group: filters.group } : {}),
    now,
  };
  const report = await slaReport(sql, { ...scope, ...period, groupBy: 'hour' });
  const live = await slaReport(sql, { ...scope, from: new Date(now.getTime() - LIVE_WINDOW_MS), to: now });
  const leads = `${perLeadSql(undefined)}${filters.group ? ` AND ${GROUP_SQL} = $6` : ''}`;
  const params = [
    tenantId,
    period.from.toISOString(),
    period.to.toISOString(),
    filters.campaign ?? null,
    now.toISOString(),
    ...(filters.group ? [filters.group] : []),
  ];
  const speedToLead = await speedHistogram(sql, leads, params);
  const breaches = await sql.query<Breach & { dueAt: Date | string }>(
    `SELECT l.lead_id::text AS "leadId", l.campaign_slug AS campaign, l.due_at AS "dueAt", l.reason,
            COALESCE(l.contact_agent_id, l.first_attempt_agent_id) AS "agentId", a.display_name AS "agentName"
       FROM (${leads}) l
       LEFT JOIN agent a ON a.tenant_id = l.tenant_id AND a.id::text = COALESCE(l.contact_agent_id, l.first_attempt_agent_id)
      WHERE l.result = 'breached'
      ORDER BY l.due_at DESC, l.lead_id
      LIMIT ${MAX_LISTED_BREACHES}`,
    params,
  );
  const campaigns = await sql.query<{ slug: string }>(
    'SELECT slug FROM campaign WHERE tenant_id = $1 ORDER BY slug',
    [tenantId],
  );
  // The groups agents are in, and those the period's leads went to (an agent may have left a group since).
  const groups = await sql.query<{ name: string }>(
    `SELECT name FROM (
       SELECT unnest(groups) AS name FROM agent WHERE tenant_id = $1
       UNION
       SELECT ${GROUP_SQL} FROM report_lead r
        WHERE r.tenant_id = $1 AND COALESCE(r.due_at, r.first_seen_at) >= $2 AND COALESCE(r.due_at, r.first_seen_at) < $3
     ) g WHERE name IS NOT NULL ORDER BY name`,
    [tenantId, period.from.toISOString(), period.to.toISOString()],
  );
  const { from, to, campaign: _c, groupBy: _g, generatedAt: _at, slices, ...figures } = report;
  return {
    period: { from, to },
    filters: filters.query,
    figures,
    live: {
      eligible: live.eligible,
      met: live.met,
      breached: live.breached,
      open: live.open,
      attainment: live.attainment,
    },
    hours: slices
      .filter((slice) => slice.key !== null)
      .map((slice) => ({
        hour: Number(slice.key),
        eligible: slice.eligible,
        met: slice.met,
        attainment: slice.attainment,
      })),
    speedToLead,
    breaches: breaches.map((row) => ({ ...row, dueAt: new Date(row.dueAt).toISOString() })),
    operations: await tenantOperations(sql, tenantId),
    campaigns: campaigns.map((row) => row.slug),
    groups: groups.map((row) => row.name),
  };
}

async function speedHistogram(
  sql: SqlQueryable,
  leads: string,
  params: unknown[],
): Promise<DashboardSnapshot['speedToLead']> {
  const bounds = SPEED_TO_LEAD_BUCKETS;
  const columns = bounds.map(
    (bound, i) =>
      `count(*) FILTER (WHERE s <= ${bound}${i > 0 ? ` AND s > ${bounds[i - 1]}` : ''})::int AS b${i}`,
  );
  const [row] = await sql.query<Record<string, number>>(
    `SELECT ${columns.join(', ')}, count(*) FILTER (WHERE s > ${bounds.at(-1)})::int AS over
       FROM (SELECT extract(epoch FROM first_attempt_at - anchor_at)::float8 AS s FROM (${leads}) l
              WHERE result IN ('met', 'breached', 'open') AND first_attempt_at IS NOT NULL) x`,
    params,
  );
  return {
    bounds,
    counts: bounds.map((_, i) => Number(row?.[`b${i}`] ?? 0)),
    over: Number(row?.over ?? 0),
  };
}
