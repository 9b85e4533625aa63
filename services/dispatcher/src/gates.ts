import type { SqlQueryable } from '@pronto/db';
import { isOpen, nextOpening } from '@pronto/sla';
import { resolveRetryPolicy } from './retry-policy.ts';
import type { LeadRow } from './rows.ts';

const DAY_MS = 86_400_000;

/** Why a dial may not happen now (the gates run before every dial; docs/architecture.md, lead lifecycle). */
export type Gate = 'suppressed' | 'dnc' | 'outside_window' | 'max_attempts' | 'max_attempts_24h';

export interface GateBlock {
  readonly gate: Gate;
  readonly why: string;
  /** When the lead may be dialed again; absent when never. */
  readonly retryAt?: number;
}

export interface DialFacts {
  readonly onDnc: boolean;
  /** Dial times of this lead so far (epoch ms, oldest first). */
  readonly dials: readonly number[];
}

/** What the gates need from the database, in one round trip. */
export async function readDialFacts(tx: SqlQueryable, lead: LeadRow): Promise<DialFacts> {
  const [row] = await tx.query<{ on_dnc: boolean; dials: number[] }>(
    `SELECT EXISTS (SELECT 1 FROM dnc_entry WHERE tenant_id = $1 AND phone_e164 = $2) AS on_dnc,
            ARRAY(SELECT (extract(epoch FROM dialed_at) * 1000)::float8 FROM attempt
                   WHERE lead_id = $3 AND dialed_at IS NOT NULL ORDER BY dialed_at) AS dials`,
    [lead.tenant_id, lead.phone_e164, lead.id],
  );
  return { onDnc: row?.on_dnc ?? false, dials: (row?.dials ?? []).map(Number) };
}

export const leadZone = (lead: LeadRow) => lead.time_zone ?? lead.campaign_zone;
export const leadCalendar = (lead: LeadRow) => ({
  windows: lead.calling_windows,
  holidays: lead.holidays ?? [],
});

/**
 * The compliance gates, in order: consent and other suppression, the tenant's do-not-call list,
 * the attempt caps (lifetime, then 24 hours), the calling window in the lead's local time.
 */
export function checkGates(lead: LeadRow, facts: DialFacts, now: number): GateBlock | null {
  if (lead.suppression_reason) {
    return { gate: 'suppressed', why: `the lead is suppressed (${lead.suppression_reason})` };
  }
  if (facts.onDnc) return { gate: 'dnc', why: "the number is on the tenant's do-not-call list" };
  const policy = resolveRetryPolicy(lead.retry_policy);
  if (facts.dials.length >= policy.maxAttempts) {
    return { gate: 'max_attempts', why: `${facts.dials.length} of ${policy.maxAttempts} dials made` };
  }
  const recent = facts.dials.filter((at) => at > now - DAY_MS);
  if (recent.length >= policy.maxAttemptsPer24h) {
    const freed = (recent[recent.length - policy.maxAttemptsPer24h] ?? now) + DAY_MS;
    return {
      gate: 'max_attempts_24h',
      why: `${recent.length} dials in the last 24 hours (cap ${policy.maxAttemptsPer24h})`,
      retryAt: nextOpening(leadCalendar(lead), leadZone(lead), freed) ?? freed,
    };
  }
  const zone = leadZone(lead);
  const calendar = leadCalendar(lead);
  if (calendar.windows.length > 0 && !isOpen(calendar, zone, now)) {
    const opening = nextOpening(calendar, zone, now);
    return {
      gate: 'outside_window',
      why: `outside the calling window in ${zone}`,
      ...(opening !== null ? { retryAt: opening } : {}),
    };
  }
  return null;
}
