import type { SimBreachReason, SimFigures } from './types.ts';

/** What the run knows of one counted lead at its end. Times epoch ms; NaN when it never happened. */
export interface LeadOutcomes {
  readonly arrivedAt: Float64Array;
  readonly dueAt: Float64Array;
  readonly score: Float64Array;
  readonly firstDialAt: Float64Array;
  readonly contactAt: Float64Array;
  /** 1 when the last dial before due failed (a network error), 0 otherwise. */
  readonly lastFailedBeforeDue: Uint8Array;
  /** 1 when a closed calling window held the lead at some time before its due. */
  readonly blockedBeforeDue: Uint8Array;
}

export function emptyBreachReasons(): Record<SimBreachReason, number> {
  return {
    no_agent_available: 0,
    no_answer_all_attempts: 0,
    outside_window: 0,
    agent_missed_offer: 0,
    dialer_error: 0,
  };
}

/** As reporting names a breach (packages/sla breachReason): never dialed by due, or dialed in vain. */
export function breachReasonOf(leads: LeadOutcomes, lead: number): SimBreachReason {
  const dialedBeforeDue = (leads.firstDialAt[lead] as number) <= (leads.dueAt[lead] as number);
  if (!dialedBeforeDue) return leads.blockedBeforeDue[lead] ? 'outside_window' : 'no_agent_available';
  return leads.lastFailedBeforeDue[lead] ? 'dialer_error' : 'no_answer_all_attempts';
}

/**
 * Nearest-rank percentile of sorted values; null when there are none, or when it falls on a lead
 * never dialed in the run (Infinity): its speed to lead is unknown, only longer than the run.
 */
export function percentile(sorted: Float64Array, share: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] as number;
  return Number.isFinite(value) ? value : null;
}

/** p50, p90 and p99 of sorted speeds to lead (seconds). */
export function speedPercentiles(sorted: Float64Array): SimFigures['speedToLead'] {
  return { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99) };
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The figures of a set of counted leads (by index) and the agent time over the same span. */
export function figuresOf(
  leads: LeadOutcomes,
  indexes: readonly number[],
  busyMs: number,
  signedInMs: number,
): SimFigures {
  let met = 0;
  let firstDialInTime = 0;
  let valueMet = 0;
  let value = 0;
  const breachReasons = emptyBreachReasons();
  const speeds = new Float64Array(indexes.length);
  indexes.forEach((lead, position) => {
    const due = leads.dueAt[lead] as number;
    const score = leads.score[lead] as number;
    value += score;
    const firstDial = leads.firstDialAt[lead] as number;
    speeds[position] = Number.isNaN(firstDial)
      ? Number.POSITIVE_INFINITY
      : (firstDial - (leads.arrivedAt[lead] as number)) / 1_000;
    if (firstDial <= due) firstDialInTime += 1;
    if ((leads.contactAt[lead] as number) <= due) {
      met += 1;
      valueMet += score;
    } else breachReasons[breachReasonOf(leads, lead)] += 1;
  });
  speeds.sort();
  return {
    leads: indexes.length,
    met,
    attainment: ratio(met, indexes.length),
    firstDialWithinSla: ratio(firstDialInTime, indexes.length),
    speedToLead: speedPercentiles(speeds),
    occupancy: signedInMs > 0 ? Math.min(1, busyMs / signedInMs) : null,
    valueMet: ratio(valueMet, value),
    breachReasons,
  };
}

/** Adds the part of [from, to) inside each hour bin from `origin` (and inside [origin, end)). */
export function spreadOverHours(
  bins: Float64Array,
  origin: number,
  hourMs: number,
  from: number,
  to: number,
): void {
  const end = origin + bins.length * hourMs;
  let cursor = Math.max(from, origin);
  const stop = Math.min(to, end);
  while (cursor < stop) {
    const bin = Math.floor((cursor - origin) / hourMs);
    const binEnd = Math.min(origin + (bin + 1) * hourMs, stop);
    bins[bin] = (bins[bin] as number) + (binEnd - cursor);
    cursor = binEnd;
  }
}
