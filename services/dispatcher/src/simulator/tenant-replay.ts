import { resolveProfile } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import type { CallingWindow } from '@pronto/sla';
import { resolveRetryPolicy } from '../retry-policy.ts';
import type { SimCampaign } from './types.ts';

export interface ReplayQuery {
  readonly tenant: string;
  readonly campaign: string;
  readonly from: Date;
  readonly to: Date;
}

export interface ReplayScenario {
  readonly campaign: SimCampaign;
  readonly leads: { arrivedAt: number; score?: number }[];
}

interface CampaignRow {
  id: string;
  slug: string;
  sla_seconds: number;
  sla_clock: string;
  time_zone: string;
  calling_windows: unknown;
  holidays: unknown;
  overflow_threshold_seconds: number;
  agent_groups: string[];
  retry_policy: unknown;
  dialer_profile: unknown;
}

/** Thrown when the tenant or its campaign is not in the database; the message says which. */
export class ReplayNotFound extends Error {}

const asArray = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/**
 * A tenant's real traffic for a replay: its campaign settings as the dispatcher reads them (retry
 * policy and dialer profile over their defaults) and the campaign's leads received in [from, to)
 * with their scores. Reads only.
 */
export async function loadReplay(sql: SqlQueryable, query: ReplayQuery): Promise<ReplayScenario> {
  const [row] = await sql.query<CampaignRow>(
    `SELECT c.id::text, c.slug, c.sla_seconds, c.sla_clock, c.time_zone, c.calling_windows, c.holidays,
            c.overflow_threshold_seconds, c.agent_groups, c.retry_policy, c.dialer_profile
       FROM campaign c JOIN tenant t ON t.id = c.tenant_id
      WHERE t.slug = $1 AND c.slug = $2`,
    [query.tenant, query.campaign],
  );
  if (row === undefined)
    throw new ReplayNotFound(`no campaign "${query.campaign}" for tenant "${query.tenant}"`);
  const leads = await sql.query<{ received_at: Date | string; score: number | null }>(
    `SELECT received_at, score FROM lead
      WHERE campaign_id = $1::uuid AND received_at >= $2 AND received_at < $3
      ORDER BY received_at`,
    [row.id, query.from, query.to],
  );
  return {
    campaign: {
      id: row.slug,
      slaSeconds: row.sla_seconds,
      slaClock: row.sla_clock === 'calendar' ? 'calendar' : 'business_hours',
      timeZone: row.time_zone,
      callingWindows: asArray<CallingWindow>(row.calling_windows),
      holidays: asArray<string>(row.holidays),
      overflowThresholdSeconds: row.overflow_threshold_seconds,
      agentGroups: row.agent_groups.length > 0 ? row.agent_groups : ['agents'],
      retryPolicy: resolveRetryPolicy(row.retry_policy),
      dialerProfile: resolveProfile(row.dialer_profile),
    },
    leads: leads.map((lead) => ({
      arrivedAt: new Date(lead.received_at).getTime(),
      ...(lead.score === null ? {} : { score: lead.score }),
    })),
  };
}
