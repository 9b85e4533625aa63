import type { SqlQueryable } from '@pronto/db';
import { type BreachReason, breachReason, leadResult, type ReportRow } from '@pronto/sla';
import type { Logger } from '@pronto/telemetry';
import { raiseAlert } from './raise-alert.ts';

/** Leads due this long ago are still looked at: a lead whose facts reach reporting late is alerted late, not never. */
export const BREACH_LOOKBACK_MS = 3_600_000;
/**
 * A due time must be this far past before its breach is alerted: a contact made just before the due
 * time may reach reporting a moment after it, and an alert cannot be taken back.
 */
export const BREACH_SETTLE_MS = 15_000;
/** Leads alerted per sweep at most; the next sweep takes the rest. */
const BATCH = 500;

const DETAIL: Record<BreachReason, string> = {
  no_agent_available: 'No agent was free to call the lead before its due time.',
  no_answer_all_attempts: 'The lead was called before its due time but no call was answered.',
  outside_window: "The calling window held the call back until after the lead's due time.",
  agent_missed_offer: 'An agent was offered the lead and let the offer go; no call was made in time.',
  dialer_error: 'The last call before the due time failed in telephony.',
};

const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

type Candidate = ReportRow & { campaignSlug: string; tenantSlug: string };

/**
 * Raises one `lead.breached` alert per lead that breached (docs/architecture.md: due passed, no contact by then, not
 * suppressed), for tenants with an enabled webhook, leads due since it was set. The SQL only narrows
 * the candidates; leadResult() and breachReason() decide, as for the report.
 */
export async function sweepBreaches(sql: SqlQueryable, now: Date, logger?: Logger): Promise<number> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT r.*, c.slug AS campaign_slug, t.slug AS tenant_slug
       FROM alert_webhook w
       JOIN report_lead r ON r.tenant_id = w.tenant_id
       JOIN campaign c ON c.id = r.campaign_id
       JOIN tenant t ON t.id = r.tenant_id
      WHERE w.enabled
        AND COALESCE(r.due_at, r.first_seen_at) > GREATEST(w.since, $1::timestamptz)
        AND COALESCE(r.due_at, r.first_seen_at) <= $2
        AND r.due_at IS NOT NULL AND r.suppression_reason IS NULL
        AND (r.contacted_at IS NULL OR r.contacted_at > r.due_at)
        AND NOT EXISTS (SELECT 1 FROM alert_delivery d WHERE d.dedupe_key = 'lead.breached/' || r.lead_id::text)
      ORDER BY r.due_at LIMIT ${BATCH}`,
    [
      new Date(now.getTime() - BREACH_LOOKBACK_MS).toISOString(),
      new Date(now.getTime() - BREACH_SETTLE_MS).toISOString(),
    ],
  );
  let raised = 0;
  for (const raw of rows) {
    const row = Object.fromEntries(
      Object.entries(raw).map(([key, value]) => [camel(key), value]),
    ) as unknown as Candidate;
    row.dialsBeforeDue = Number(row.dialsBeforeDue);
    if (leadResult(row, now) !== 'breached' || !row.dueAt) continue;
    const reason = breachReason(row);
    const id = await raiseAlert(sql, {
      tenantId: row.tenantId,
      dedupeKey: `lead.breached/${row.leadId}`,
      payload: {
        type: 'lead.breached',
        occurredAt: row.dueAt.toISOString(),
        tenant: row.tenantSlug,
        campaign: row.campaignSlug,
        leadId: row.leadId,
        dueAt: row.dueAt.toISOString(),
        reason,
        attempts: row.dialsBeforeDue,
        detail: DETAIL[reason],
      },
      now,
    });
    if (id) {
      raised += 1;
      logger?.info(
        { alertId: id, leadId: row.leadId, tenantId: row.tenantId, reason },
        'breach alert raised',
      );
    }
  }
  return raised;
}
