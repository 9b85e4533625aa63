import type { LeadFactDetail } from '@pronto/contracts';
import type { Sql } from '@pronto/db';
import { recordHistory } from '@pronto/leads';
import { type CallingCalendar, computeSlaDue, resolveZone, SLA_ESTIMATED, type SlaClock } from '@pronto/sla';
import type { Logger } from '@pronto/telemetry';
import { applyFact } from './report-store.ts';

export interface CountUnscoredDeps {
  readonly sql: Sql;
  readonly logger: Logger;
  readonly now: Date;
  /** Leads accepted longer ago than this and still unscored are counted (PRONTO_REDRIVE_AFTER_SECONDS). */
  readonly afterMs: number;
  readonly limit?: number;
}

interface UnscoredLead {
  id: string;
  tenant_id: string;
  campaign_id: string;
  phone_e164: string;
  time_zone: string | null;
  received_at: Date | string;
  sla_seconds: number;
  sla_clock: SlaClock;
  campaign_zone: string;
  calling_windows: CallingCalendar['windows'];
  holidays: CallingCalendar['holidays'];
}

/**
 * Reporting's half of the safety net under the bus: a lead accepted but still unscored after the
 * bound (its intent lost on the way, or scoring down) has no SLA facts yet, so the report would
 * not count it at all. It gets the due time scoring will give it, computed the same way from its
 * acceptance, its zone and its campaign's clock, written to its history as an `sla_estimated`
 * fact and folded at once: the report counts it as open, then breached, until scoring queues it
 * (whose own due time replaces the estimate). The fact is in the history, so a rebuild agrees.
 * Returns how many leads were counted.
 */
export async function countUnscoredLeads(deps: CountUnscoredDeps): Promise<number> {
  // jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
  const { sql, now } = deps;
  const bound = new Date(now.getTime() - deps.afterMs).toISOString();
  const candidates = await sql.query<{ id: string }>(
    `SELECT l.id FROM lead l
      WHERE l.score IS NULL AND l.status = 'received' AND l.received_at <= $1
        AND NOT EXISTS (SELECT 1 FROM report_lead r WHERE r.lead_id = l.id)
      ORDER BY l.received_at LIMIT $2`,
    [bound, deps.limit ?? 500],
  );
  let counted = 0;
  for (const { id } of candidates) {
    // jscpd:ignore-end
    try {
      const done = await sql.transaction(async (tx) => {
        // Under the lead's lock: scoring, which takes it the same way, queues it before or after, never during.
        const [lead] = await tx.query<UnscoredLead>(
          `SELECT l.id, l.tenant_id, l.campaign_id, l.phone_e164, l.time_zone, l.received_at,
                  c.sla_seconds, c.sla_clock, c.time_zone AS campaign_zone, c.calling_windows, c.holidays
             FROM lead l JOIN campaign c ON c.id = l.campaign_id
            WHERE l.id = $1 AND l.score IS NULL AND l.status = 'received'
              AND NOT EXISTS (SELECT 1 FROM lead_history h WHERE h.lead_id = l.id AND h.type = $2)
              FOR UPDATE OF l SKIP LOCKED`,
          [id, SLA_ESTIMATED],
        );
        if (!lead) return false;
        const detail = estimate(lead, deps.afterMs);
        await recordHistory(tx, now, [{ leadId: lead.id, fact: { type: SLA_ESTIMATED, detail } }]);
        await applyFact(tx, {
          leadId: lead.id,
          tenantId: lead.tenant_id,
          campaignId: lead.campaign_id,
          event: SLA_ESTIMATED,
          at: now,
          detail,
        });
        return true;
      });
      if (done) counted += 1;
    } catch (error) {
      deps.logger.error({ err: error, leadId: id }, 'could not count an unscored lead in the SLA report');
    }
  }
  if (counted > 0)
    deps.logger.warn(
      { leads: counted },
      'unscored leads counted in the SLA report with an estimated due time',
    );
  return counted;
}

/** The zone and due time scoring gives a lead it queues (score-intent.ts decide), from the same rows. */
function estimate(lead: UnscoredLead, afterMs: number): LeadFactDetail<typeof SLA_ESTIMATED> {
  const zone = lead.time_zone
    ? lead.time_zone
    : resolveZone({ eventZone: null, phoneE164: lead.phone_e164, campaignZone: lead.campaign_zone }).zone;
  const input = {
    slaSeconds: lead.sla_seconds,
    acceptedAt: new Date(lead.received_at),
    calendar: { windows: lead.calling_windows, holidays: lead.holidays },
    zone,
  };
  const sla =
    computeSlaDue({ ...input, clock: lead.sla_clock }) ?? computeSlaDue({ ...input, clock: 'calendar' });
  if (!sla) throw new Error('the calendar SLA clock always has a due time');
  return {
    zone,
    anchorAt: sla.anchorAt.toISOString(),
    dueAt: sla.dueAt.toISOString(),
    why: `not scored within ${Math.round(afterMs / 1000)} s of its acceptance; counted with the due time scoring would give it`,
  };
}
