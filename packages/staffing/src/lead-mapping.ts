// From a lead's SLA to a queue's target. A lead is "contacted within SLA" when a call placed to it
// is answered by the due time; the queue only decides when a lead is offered to an agent, and the
// dial itself (the agent accepting, the carrier ringing the phone) takes the dial allowance.
// docs/staffing.md, "From calls to leads", spells out the mapping and where it is approximate.

import { requireCount, requireNonNegative, requireOpenShare, requireShare } from './validate.ts';

export interface LeadMapping {
  /** The lead's SLA: seconds from arrival to contact. */
  slaSeconds: number;
  /** Seconds between offering a lead to an agent and the lead's phone being answered. */
  dialAllowanceSeconds: number;
  /** Share of dials the lead answers. */
  answerRate: number;
  /** How many dials the retry policy can place before the due time. */
  attemptsWithinSla: number;
}

/** The queue's target wait: a lead must be offered by sla - allowance to be contacted by sla. */
export function leadTargetSeconds(m: Pick<LeadMapping, 'slaSeconds' | 'dialAllowanceSeconds'>): number {
  requireNonNegative('slaSeconds', m.slaSeconds);
  requireNonNegative('dialAllowanceSeconds', m.dialAllowanceSeconds);
  return Math.max(0, m.slaSeconds - m.dialAllowanceSeconds);
}

/**
 * The best attainment any staffing buys: the share of leads that answer one of the attempts that fit
 * within the SLA, 1 - (1 - p)^k (attempts taken as independent).
 */
export function reachWithinSla(m: LeadMapping): number {
  checkMapping(m);
  return 1 - (1 - m.answerRate) ** m.attemptsWithinSla;
}

/**
 * The service level the queue must reach so that attainment ≈ service level × reach meets
 * `target`; null when even instant service falls short (target > reach).
 */
export function requiredServiceLevel(target: number, m: LeadMapping): number | null {
  requireOpenShare('target', target);
  const reach = reachWithinSla(m);
  if (reach === 0 || target > reach) return null;
  return Math.min(1, target / reach);
}

function checkMapping(m: LeadMapping): void {
  leadTargetSeconds(m);
  requireShare('answerRate', m.answerRate);
  requireCount('attemptsWithinSla', m.attemptsWithinSla);
}
