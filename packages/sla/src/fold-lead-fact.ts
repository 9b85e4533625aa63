import { BREACH_REASONS, type BreachReason } from '@pronto/contracts';
import type { ReportLead } from '@pronto/db';

/**
 * Reporting's view of one lead, folded from the facts of its history (docs/architecture.md, the SLA definitions).
 * The same fold runs live, on `lead-events`, and in a rebuild, on the `lead_history` rows: both are
 * the same facts, so both give the same report.
 */
/**
 * The `report_lead` row (Prisma's ReportLead model, prisma/schema.prisma): the first dial of the person
 * (an agent whose own phone did not answer dialed no one), the dials started by the due time and the
 * outcome of the last of them, the offer in hand (its group is the one the dial and the contact were
 * made for), the lead's zone for the hour-of-day slice (from its queueing; else the campaign's).
 */
export type ReportRow = ReportLead;

/** One fact: a lead-events message, or a lead_history row with its lead's tenant and campaign. */
export interface LeadFact {
  leadId: string;
  tenantId: string;
  campaignId: string;
  event: string;
  at: Date;
  detail: Record<string, unknown>;
}

/** The breach reasons are part of the lead lifecycle's contract (@pronto/contracts lead-lifecycle.ts). */
export { BREACH_REASONS, type BreachReason };

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const time = (value: unknown): Date | null => {
  const at = typeof value === 'string' ? new Date(value) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
};

export function emptyRow(fact: LeadFact): ReportRow {
  return {
    leadId: fact.leadId,
    tenantId: fact.tenantId,
    campaignId: fact.campaignId,
    timeZone: null,
    firstSeenAt: fact.at,
    anchorAt: null,
    dueAt: null,
    suppressionReason: null,
    firstAttemptId: null,
    firstAttemptAt: null,
    firstAttemptAgentId: null,
    firstAttemptGroup: null,
    contactedAt: null,
    contactAgentId: null,
    contactGroup: null,
    dialsBeforeDue: 0,
    lastDialAttemptId: null,
    lastOutcomeBeforeDue: null,
    missedOfferBeforeDue: false,
    blockedWindowBeforeDue: false,
    offerAttemptId: null,
    offerGroup: null,
    lastEvent: fact.event,
    updatedAt: fact.at,
  };
}

/**
 * Written by reporting itself for a lead still unscored after PRONTO_REDRIVE_AFTER_SECONDS
 * (count-unscored-leads.ts): the due time scoring will give it, so the report counts the lead
 * meanwhile. Scoring's `queued` replaces it.
 */
export const SLA_ESTIMATED = 'sla_estimated' as const;

/**
 * The facts the report depends on; the others (scored, rescored, dispositioned, retry_scheduled,
 * expired, ...) change none of its figures, so the live fold does not even open a transaction for
 * them, and a rebuild passes over them the same way.
 */
export const REPORTED_EVENTS: ReadonlySet<string> = new Set([
  SLA_ESTIMATED,
  'queued',
  'suppressed',
  'dial_blocked',
  'offered',
  'dialing',
  'call_ended',
  'offer_missed',
  'contacted',
]);

/**
 * Applies one fact, in the lead's order; returns the new row (the old one is not changed), or the
 * old one (undefined before the first reported fact) when the fact is not one the report uses.
 */
export function foldLeadFact(previous: ReportRow | undefined, fact: LeadFact): ReportRow | undefined {
  if (!REPORTED_EVENTS.has(fact.event)) return previous;
  const row = { ...(previous ?? emptyRow(fact)), lastEvent: fact.event, updatedAt: fact.at };
  const { detail } = fact;
  // "By the due time": a fact before the lead is queued (no due yet) is before it too.
  const beforeDue = row.dueAt === null || fact.at.getTime() <= row.dueAt.getTime();
  const attemptId = text(detail.attemptId);
  const groupOf = (id: string | null) => (id !== null && id === row.offerAttemptId ? row.offerGroup : null);
  switch (fact.event) {
    case 'queued':
      row.timeZone = text(detail.zone) ?? row.timeZone;
      row.anchorAt = time(detail.anchorAt) ?? row.anchorAt;
      row.dueAt = time(detail.dueAt) ?? row.dueAt;
      break;
    case SLA_ESTIMATED:
      if (row.dueAt !== null) break;
      row.timeZone = text(detail.zone) ?? row.timeZone;
      row.anchorAt = time(detail.anchorAt);
      row.dueAt = time(detail.dueAt);
      break;
    case 'suppressed':
      row.suppressionReason = text(detail.reason) ?? row.suppressionReason ?? 'suppressed';
      break;
    case 'dial_blocked':
      if (detail.gate === 'outside_window' && beforeDue) row.blockedWindowBeforeDue = true;
      // A number put on the do-not-call list after the lead came in: suppressed at the dial.
      if (detail.gate === 'dnc') row.suppressionReason = 'dnc';
      if (detail.gate === 'suppressed') row.suppressionReason ??= 'suppressed';
      break;
    case 'offered':
      row.offerAttemptId = attemptId;
      row.offerGroup = text(detail.group);
      break;
    case 'dialing':
      if (row.firstAttemptAt === null) {
        row.firstAttemptId = attemptId;
        row.firstAttemptAt = fact.at;
        row.firstAttemptAgentId = text(detail.agentId);
        row.firstAttemptGroup = groupOf(attemptId);
      }
      if (beforeDue) {
        row.dialsBeforeDue += 1;
        row.lastDialAttemptId = attemptId;
        row.lastOutcomeBeforeDue = null;
      }
      break;
    case 'call_ended':
      if (attemptId !== null && attemptId === row.lastDialAttemptId && row.lastOutcomeBeforeDue === null)
        row.lastOutcomeBeforeDue = text(detail.outcome);
      break;
    case 'offer_missed':
      if (beforeDue) row.missedOfferBeforeDue = true;
      if (
        (detail.why === 'agent_phone_no_answer' || detail.why === 'agent_phone_rejected') &&
        attemptId !== null
      ) {
        // The agent's own phone did not answer or rejected the call: the person was never dialed, so it was no dial.
        if (attemptId === row.lastDialAttemptId) {
          row.dialsBeforeDue = Math.max(0, row.dialsBeforeDue - 1);
          row.lastDialAttemptId = null;
          row.lastOutcomeBeforeDue = null;
        }
        if (attemptId === row.firstAttemptId) {
          row.firstAttemptId = null;
          row.firstAttemptAt = null;
          row.firstAttemptAgentId = null;
          row.firstAttemptGroup = null;
        }
      }
      break;
    case 'contacted':
      if (row.contactedAt === null) {
        row.contactedAt = time(detail.at) ?? fact.at;
        row.contactAgentId = text(detail.agentId);
        row.contactGroup = groupOf(attemptId);
      }
      break;
  }
  return row;
}

export type LeadResult = 'met' | 'breached' | 'open' | 'suppressed' | 'no_sla';

/** Where the lead stands at `now` (docs/architecture.md: met, breached, still open, or suppressed). */
export function leadResult(row: ReportRow, now: Date): LeadResult {
  if (row.suppressionReason !== null) return 'suppressed';
  if (row.dueAt === null) return 'no_sla';
  if (row.contactedAt !== null && row.contactedAt.getTime() <= row.dueAt.getTime()) return 'met';
  return now.getTime() > row.dueAt.getTime() ? 'breached' : 'open';
}

/**
 * Why a breached lead was not contacted in time, from what happened by its due time:
 * - no dial by then: `outside_window` if the calling window held the dial back, else
 *   `agent_missed_offer` if an agent let an offer go, else `no_agent_available`;
 * - a dial by then: `dialer_error` if the last of them failed in telephony, else
 *   `no_answer_all_attempts` (no answer, busy, voicemail, or still ringing at the due time).
 * The report computes the same in SQL (sla-report.ts); a test holds the two together.
 */
export function breachReason(row: ReportRow): BreachReason {
  if (row.dialsBeforeDue === 0) {
    if (row.blockedWindowBeforeDue) return 'outside_window';
    if (row.missedOfferBeforeDue) return 'agent_missed_offer';
    return 'no_agent_available';
  }
  return row.lastOutcomeBeforeDue === 'failed' ? 'dialer_error' : 'no_answer_all_attempts';
}
