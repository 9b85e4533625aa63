// What GET /v1/staffing answers (the dispatcher's staffing advisor), as this page reads it, and the
// page's ways of writing its numbers.

/** One local hour of the chosen day in the campaign's zone. */
export interface StaffingHour {
  hour: number;
  from: string;
  to: string;
  /** Whether the campaign's calling window is open at any time in the hour; a closed hour needs no one. */
  open: boolean;
  forecastArrivals: number;
  erlangAgents: number;
  erlangServiceLevel: number | null;
  /** null for an hour too busy to simulate in an answer: the gap then uses erlangAgents. */
  simulatedAgents: number | null;
  simulatedAttainment: number | null;
  /** Even the most agents the search tried fall short of the attainment target; null when not simulated. */
  belowTarget: boolean | null;
  /** Mean agents of the campaign's groups not offline in the hour; null for an hour not started yet. */
  signedInAgents: number | null;
  /** signedInAgents - simulatedAgents (or erlangAgents): negative when short of agents. */
  gap: number | null;
}

export interface StaffingAnswer {
  campaign: string;
  date: string;
  timeZone: string;
  target: number;
  targetSource: 'query' | 'campaign' | 'default';
  slaSeconds: number;
  targetSeconds: number;
  weeks: number;
  arrivalMultiplier: number;
  arrivalsSource: 'history' | 'query';
  handleSeconds: number;
  handleSource: 'history' | 'dialer_profile' | 'query';
  answerRate: number;
  /** Dials of one lead that fit within the SLA (the first and the short retries). */
  attemptsWithinSla: number;
  reachWithinSla: number;
  /** The share of leads the queue must offer within targetSeconds for the target. */
  serviceLevelTarget: number;
  /** The attainment the hours are staffed for: the target, or less when targetCapped. */
  attainmentTarget: number;
  /** The target is above what the answer rate lets any staffing reach: staffed for attainmentTarget. */
  targetCapped: boolean;
  generatedAt: string;
  hours: StaffingHour[];
  totals: {
    forecastArrivals: number;
    erlangAgentHours: number;
    simulatedAgentHours: number;
    signedInAgentHours: number | null;
  };
}

const DASH = '—';

/** A count with at most `digits` decimals ("12.5", "3"); a dash for none. */
export function decimal(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return String(Number(value.toFixed(digits)));
}

/** A share as a percentage ("92.5 %"); a dash for none. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  return `${Number((share * 100).toFixed(1))} %`;
}

/** An hour of the day as "09:00". */
export const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** Where the handle time came from, in a manager's words. */
export const HANDLE_SOURCES: Record<StaffingAnswer['handleSource'], string> = {
  history: "the campaign's recent calls (talk + wrap-up)",
  dialer_profile: "the campaign's dialer profile (no recent calls)",
  query: 'given in the what-if',
};
