import type { Sql, SqlQueryable } from '@pronto/db';
import type { AlertSettings } from './alert-settings.ts';

/** The campaign defaults: no threshold, and 5 eligible leads before a live ratio is judged. */
export const DEFAULT_MIN_ELIGIBLE = 5;

/** A tenant's alert settings, every campaign listed (those never set with the defaults). */
export async function readAlertSettings(sql: SqlQueryable, tenantId: string): Promise<AlertSettings> {
  const [hook] = await sql.query<{ url: string; key_id: string; enabled: boolean; since: Date }>(
    'SELECT url, key_id, enabled, since FROM alert_webhook WHERE tenant_id = $1',
    [tenantId],
  );
  const campaigns = await sql.query<{
    slug: string;
    attainment_below: string | null;
    min_eligible: number | null;
    below: boolean | null;
  }>(
    `SELECT c.slug, a.attainment_below::text, a.min_eligible, a.below
       FROM campaign c LEFT JOIN alert_campaign a ON a.campaign_id = c.id
      WHERE c.tenant_id = $1 ORDER BY c.slug`,
    [tenantId],
  );
  return {
    webhookUrl: hook?.url ?? null,
    keyId: hook?.key_id ?? null,
    enabled: hook?.enabled ?? false,
    since: hook ? new Date(hook.since).toISOString() : null,
    campaigns: Object.fromEntries(
      campaigns.map((row) => [
        row.slug,
        {
          attainmentBelow: row.attainment_below === null ? null : Number(row.attainment_below),
          minEligible: row.min_eligible ?? DEFAULT_MIN_ELIGIBLE,
          below: row.below ?? false,
        },
      ]),
    ),
  };
}

export interface AlertSettingsChange {
  tenantId: string;
  /** null removes the webhook. */
  webhook: { url: string; keyId: string; enabled: boolean } | null;
  /** By campaign id: what to change (a field left out keeps its value). */
  campaigns: Map<string, { attainmentBelow?: number | null; minEligible?: number }>;
  now: Date;
}

/**
 * Saves a change in one transaction. A webhook that starts (new, or enabled again) is alerted only of
 * leads due from now on: turning it on does not replay the breaches it missed.
 */
export async function saveAlertSettings(sql: Sql, change: AlertSettingsChange): Promise<void> {
  const now = change.now.toISOString();
  await sql.transaction(async (tx) => {
    if (change.webhook === null) {
      await tx.query('DELETE FROM alert_webhook WHERE tenant_id = $1', [change.tenantId]);
    } else {
      await tx.query(
        `INSERT INTO alert_webhook (tenant_id, url, key_id, enabled, since, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (tenant_id) DO UPDATE SET url = EXCLUDED.url, key_id = EXCLUDED.key_id,
           enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at,
           since = CASE WHEN alert_webhook.enabled THEN alert_webhook.since ELSE EXCLUDED.since END`,
        [change.tenantId, change.webhook.url, change.webhook.keyId, change.webhook.enabled, now],
      );
    }
    for (const [campaignId, set] of change.campaigns) {
      await tx.query(
        `INSERT INTO alert_campaign (campaign_id, tenant_id, attainment_below, min_eligible, updated_at)
         VALUES ($1, $2, $3::numeric, COALESCE($4::int, ${DEFAULT_MIN_ELIGIBLE}), $5)
         ON CONFLICT (campaign_id) DO UPDATE SET
           attainment_below = CASE WHEN $6::boolean THEN EXCLUDED.attainment_below ELSE alert_campaign.attainment_below END,
           -- Turned off: no recovery will be sent, and turning it on again starts afresh.
           below = alert_campaign.below AND NOT ($6::boolean AND EXCLUDED.attainment_below IS NULL),
           min_eligible = COALESCE($4::int, alert_campaign.min_eligible),
           updated_at = EXCLUDED.updated_at`,
        [
          campaignId,
          change.tenantId,
          set.attainmentBelow ?? null,
          set.minEligible ?? null,
          now,
          set.attainmentBelow !== undefined,
        ],
      );
    }
  });
}
