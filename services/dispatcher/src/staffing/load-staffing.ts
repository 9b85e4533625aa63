import type { SqlQueryable } from '@pronto/db';
import { ProblemError } from '@pronto/http';
import type { DispatchPolicy } from '../policy/index.ts';
import { localHours, sameWeekdaysBefore, todayIn, weeksBefore } from './local-hours.ts';
import {
  adviseStaffing,
  campaignSettings,
  forecastFromHistory,
  MIN_CONTACTS_FOR_HANDLE,
  profileHandleSeconds,
} from './staffing-advice.ts';
import { DEFAULTS, type StaffingParams } from './staffing-query.ts';
import type { StaffingAnswer } from './staffing-schema.ts';
import { findCampaign, handleTime, leadsByDayAndHour, signedInSeconds } from './staffing-sql.ts';

/**
 * The advice for one tenant's query: the campaign (404 when the tenant has none of that slug), its
 * history read from the database, then adviseStaffing over it.
 */
export async function loadStaffing(
  sql: SqlQueryable,
  tenantId: string,
  params: StaffingParams,
  now: Date,
  policy?: DispatchPolicy,
): Promise<StaffingAnswer> {
  const campaign = await findCampaign(sql, tenantId, params.campaign);
  if (!campaign) throw new ProblemError('not-found', `No campaign "${params.campaign}"`);
  const zone = campaign.time_zone;
  const date = params.date ?? todayIn(zone, now);
  const hours = localHours(date, zone);
  const hourlyArrivals =
    params.arrivals ??
    forecastFromHistory(
      await leadsByDayAndHour(sql, tenantId, campaign, sameWeekdaysBefore(date, zone, params.weeks)),
    );
  const handle = await handleOf(sql, tenantId, campaign, params, date, now);
  const seconds = await signedInSeconds(sql, tenantId, campaign.agent_groups, hours, now);
  const signedIn = hours.map((hour, n) => {
    if (hour.from >= now.getTime()) return null;
    const elapsed = Math.min(hour.to, now.getTime()) - hour.from;
    return (seconds[n] ?? 0) / (elapsed / 1_000);
  });
  return adviseStaffing({
    campaign,
    date,
    weeks: params.weeks,
    ...targetOf(params, campaign),
    arrivalMultiplier: params.arrivalMultiplier,
    hours,
    hourlyArrivals,
    arrivalsSource: params.arrivals ? 'query' : 'history',
    handleSeconds: handle.seconds,
    handleSource: handle.source,
    signedIn,
    now,
    ...(policy ? { policy } : {}),
  });
}

/** The query's target, else the campaign's attainment alert threshold when it is a share, else 0.9. */
function targetOf(
  params: StaffingParams,
  campaign: { attainment_target: number | null },
): { target: number; targetSource: 'query' | 'campaign' | 'default' } {
  if (params.target !== undefined) return { target: params.target, targetSource: 'query' };
  const own = campaign.attainment_target;
  if (own !== null && own > 0 && own < 1) return { target: own, targetSource: 'campaign' };
  return { target: DEFAULTS.target, targetSource: 'default' };
}

/** The query's handle time, else the history's mean when it has enough contacts, else the profile's mean talk. */
async function handleOf(
  sql: SqlQueryable,
  tenantId: string,
  campaign: Parameters<typeof campaignSettings>[0],
  params: StaffingParams,
  date: string,
  now: Date,
): Promise<{ seconds: number; source: 'history' | 'dialer_profile' | 'query' }> {
  if (params.handleSeconds !== undefined) return { seconds: params.handleSeconds, source: 'query' };
  const history = await handleTime(
    sql,
    tenantId,
    campaign.id,
    weeksBefore(date, campaign.time_zone, params.weeks),
    now,
  );
  if (history.contacts >= MIN_CONTACTS_FOR_HANDLE && history.meanSeconds !== null && history.meanSeconds > 0)
    return { seconds: history.meanSeconds, source: 'history' };
  return { seconds: profileHandleSeconds(campaignSettings(campaign).profile), source: 'dialer_profile' };
}
