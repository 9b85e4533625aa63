import type { Sql } from '@pronto/db';
import { periodOf, slaReport } from '@pronto/sla';
import type { Logger } from '@pronto/telemetry';
import { raiseAlert } from './raise-alert.ts';
import { BREACH_SETTLE_MS } from './sweep-breaches.ts';

interface Watched {
  campaign_id: string;
  tenant_id: string;
  threshold: string;
  min_eligible: number;
  below: boolean;
  episode: number;
  campaign_slug: string;
  tenant_slug: string;
}

/**
 * For each campaign with a threshold (and its tenant a webhook): the live window's attainment, from
 * the SLA report itself. Falling below the threshold raises `attainment.below_threshold` once;
 * coming back to it raises `attainment.recovered` once. A window with fewer eligible leads than the
 * campaign's minimum says nothing either way. The state flips by compare-and-set, so of several
 * instances one alerts, and a restart neither repeats an alert nor forgets the campaign is below.
 */
export async function sweepAttainment(sql: Sql, now: Date, logger?: Logger): Promise<number> {
  const watched = await sql.query<Watched>(
    `SELECT a.campaign_id::text, a.tenant_id::text, a.attainment_below::text AS threshold, a.min_eligible,
            a.below, a.episode, c.slug AS campaign_slug, t.slug AS tenant_slug
       FROM alert_campaign a
       JOIN alert_webhook w ON w.tenant_id = a.tenant_id AND w.enabled
       JOIN campaign c ON c.id = a.campaign_id
       JOIN tenant t ON t.id = a.tenant_id
      WHERE a.attainment_below IS NOT NULL`,
  );
  // As of the breach alerts' settle time: a contact just before a due time may reach the report late,
  // and a window judged before it arrives would fall below and recover in a few seconds.
  const asOf = new Date(now.getTime() - BREACH_SETTLE_MS);
  const window = periodOf({ window: 'live' }, asOf);
  let raised = 0;
  for (const campaign of watched) {
    const threshold = Number(campaign.threshold);
    const report = await slaReport(sql, {
      tenantId: campaign.tenant_id,
      ...window,
      campaign: campaign.campaign_slug,
      now: asOf,
    });
    if (report.eligible < campaign.min_eligible || report.attainment === null) continue;
    const below = report.attainment < threshold;
    if (below === campaign.below) continue;
    const id = await sql.transaction(async (tx) => {
      const [flipped] = await tx.query<{ episode: number }>(
        `UPDATE alert_campaign SET below = $2, episode = episode + CASE WHEN $2 THEN 1 ELSE 0 END,
                changed_at = $3, updated_at = $3
          WHERE campaign_id = $1 AND below = $4 AND episode = $5 RETURNING episode`,
        [campaign.campaign_id, below, now.toISOString(), campaign.below, campaign.episode],
      );
      // Another instance flipped it first, and alerted.
      if (!flipped) return null;
      const type = below ? 'attainment.below_threshold' : 'attainment.recovered';
      return raiseAlert(tx, {
        tenantId: campaign.tenant_id,
        dedupeKey: `${type}/${campaign.campaign_id}/${flipped.episode}`,
        payload: {
          type,
          occurredAt: now.toISOString(),
          tenant: campaign.tenant_slug,
          campaign: campaign.campaign_slug,
          attainment: report.attainment,
          threshold,
          eligible: report.eligible,
          met: report.met,
          breached: report.breached,
          window: { from: window.from.toISOString(), to: window.to.toISOString() },
        },
        now,
      });
    });
    if (id) {
      raised += 1;
      logger?.info(
        { alertId: id, tenantId: campaign.tenant_id, campaign: campaign.campaign_slug, below },
        'attainment alert raised',
      );
    }
  }
  return raised;
}
