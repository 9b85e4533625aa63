/** The simulated call's outcome, drawn once per originate. */
export type SimulatedOutcome = 'answered' | 'no_answer' | 'busy' | 'voicemail' | 'failed';

/** The order outcomes are drawn in (cumulative over the rates) and listed in errors. */
export const SIMULATED_OUTCOMES: readonly SimulatedOutcome[] = [
  'answered',
  'no_answer',
  'busy',
  'voicemail',
  'failed',
];

/** A duration drawn uniformly between the two bounds, in milliseconds. */
export type MsRange = readonly [min: number, max: number];

/**
 * How the simulated dialer's calls go for one campaign: who answers, and after how long. A
 * campaign sets any part of it in `campaign.dialer_profile` (JSON); the rest comes from
 * DEFAULT_DIALER_PROFILE.
 */
export interface DialerProfile {
  /** From the originate until the agent's phone answers (the agent already accepted on the desktop). */
  readonly agentRingMs: MsRange;
  /** How long the person's phone rings before they (or their voicemail) pick up. */
  readonly personRingMs: MsRange;
  /** The share of calls that end each way; they sum to 1. */
  readonly rates: Readonly<Record<SimulatedOutcome, number>>;
  /** How long a connected person talks before hanging up, unless the agent hangs up first. */
  readonly talkMs: MsRange;
  /** Ring time after which the call ends as no_answer: a person still ringing then never answers. */
  readonly noAnswerTimeoutMs: number;
  /**
   * From the agent's answer until the network answers for the person's number: ringing, or busy or
   * congestion, which end the call.
   */
  readonly postDialDelayMs: number;
  /** From a machine picking up until the dialer knows it is one and ends the call as voicemail. */
  readonly machineDetectionMs: number;
}

/**
 * Figures for a demo that looks like a hot-lead campaign. Each is an assumption, and each can be
 * set per campaign in `campaign.dialer_profile`.
 *
 * - answered 0.35: the lead-response study of Oldroyd (MIT/InsideSales, 2007) finds
 *   that a first call reaches roughly 1 web lead in 10 on average, and many times more when the
 *   call comes within 5 minutes of the lead's form. 35% is our assumption for leads called within
 *   the SLA, not a figure from the study.
 * - no_answer 0.35, voicemail 0.20, busy 0.05, failed 0.05: rough shares for outbound calls to
 *   mobile numbers (unanswered and carrier voicemail dominate; busy and network failures are
 *   a few percent each).
 * - agentRingMs 1-3 s: the agent is at the desktop and has just accepted, so the phone is picked
 *   up (or auto-answered by a softphone) at once.
 * - personRingMs 5-20 s: people who answer typically do so within a few rings (about 5 s a ring).
 * - talkMs 1-5 min: a first sales conversation with a lead who asked to be contacted.
 * - noAnswerTimeoutMs 30 s: a common Asterisk `Dial()` timeout for outbound calls. It is longer
 *   than mobile networks wait before diverting an unanswered call to voicemail (GSM "no reply"
 *   forwarding: 20 s by default), so a voicemail answers rather than being cut off.
 * - postDialDelayMs 2 s: mobile networks take about 1-3 s to ring a number (or report it busy or
 *   unreachable) after the dial.
 * - machineDetectionMs 5 s: Asterisk's answering-machine detection (`AMD()`) decides within its
 *   `totalAnalysisTime`, 5 s by default.
 */
export const DEFAULT_DIALER_PROFILE: DialerProfile = {
  agentRingMs: [1_000, 3_000],
  personRingMs: [5_000, 20_000],
  rates: { answered: 0.35, no_answer: 0.35, busy: 0.05, voicemail: 0.2, failed: 0.05 },
  talkMs: [60_000, 300_000],
  noAnswerTimeoutMs: 30_000,
  postDialDelayMs: 2_000,
  machineDetectionMs: 5_000,
};

/** How far the rates may be from summing to 1: JSON decimals such as 0.1 + 0.2 are not exact. */
const SUM_TOLERANCE = 1e-6;

const RANGE_FIELDS = ['agentRingMs', 'personRingMs', 'talkMs'] as const;
/** Fixed delays that may be 0: a campaign (or a benchmark) can skip them. */
const DELAY_FIELDS = ['postDialDelayMs', 'machineDetectionMs'] as const;
const FIELDS: readonly string[] = [...RANGE_FIELDS, 'rates', 'noAnswerTimeoutMs', ...DELAY_FIELDS];

/** A campaign's dialer profile that cannot be used; the message names the field. */
export class DialerProfileError extends Error {
  constructor(
    readonly problem: string,
    campaignId?: string,
  ) {
    super(`dialer profile${campaignId ? ` of campaign ${campaignId}` : ''}: ${problem}`);
    this.name = 'DialerProfileError';
  }
}

/**
 * A campaign's `dialer_profile` JSON over DEFAULT_DIALER_PROFILE: missing fields (and missing
 * rates) take the default, then the whole is checked, so rates given in part must still sum to 1
 * with the defaults of the others. Unknown fields are refused rather than ignored, so a misspelt
 * field cannot silently leave a default in place.
 */
export function resolveProfile(partial: unknown): DialerProfile {
  if (partial === null || partial === undefined) return DEFAULT_DIALER_PROFILE;
  if (typeof partial !== 'object' || Array.isArray(partial))
    throw new DialerProfileError(`must be a JSON object (got ${JSON.stringify(partial)})`);
  const given = partial as Record<string, unknown>;
  const unknown = Object.keys(given).filter((field) => !FIELDS.includes(field));
  if (unknown.length > 0)
    throw new DialerProfileError(`unknown field ${unknown.join(', ')} (known: ${FIELDS.join(', ')})`);
  return {
    agentRingMs: readRange(given, 'agentRingMs'),
    personRingMs: readRange(given, 'personRingMs'),
    rates: readRates(given.rates),
    talkMs: readRange(given, 'talkMs'),
    noAnswerTimeoutMs: readTimeout(given.noAnswerTimeoutMs),
    postDialDelayMs: readDelay(given, 'postDialDelayMs'),
    machineDetectionMs: readDelay(given, 'machineDetectionMs'),
  };
}

function readRange(given: Record<string, unknown>, field: (typeof RANGE_FIELDS)[number]): MsRange {
  const value = given[field];
  if (value === undefined) return DEFAULT_DIALER_PROFILE[field];
  if (isRange(value)) return value;
  throw new DialerProfileError(
    `${field} must be [min, max] milliseconds with 0 <= min <= max (got ${JSON.stringify(value)})`,
  );
}

function isRange(value: unknown): value is MsRange {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [min, max] = value as unknown[];
  return isMilliseconds(min) && isMilliseconds(max) && min <= max;
}

function readRates(value: unknown): DialerProfile['rates'] {
  if (value === undefined) return DEFAULT_DIALER_PROFILE.rates;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new DialerProfileError(`rates must be an object (got ${JSON.stringify(value)})`);
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((name) => !SIMULATED_OUTCOMES.includes(name as SimulatedOutcome));
  if (unknown.length > 0)
    throw new DialerProfileError(
      `unknown rate ${unknown.map((name) => `rates.${name}`).join(', ')} (known: ${SIMULATED_OUTCOMES.join(', ')})`,
    );
  const rates = { ...DEFAULT_DIALER_PROFILE.rates };
  for (const outcome of SIMULATED_OUTCOMES) {
    const rate = given[outcome];
    if (rate === undefined) continue;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new DialerProfileError(
        `rates.${outcome} must be a number from 0 to 1 (got ${JSON.stringify(rate)})`,
      );
    rates[outcome] = rate;
  }
  const sum = SIMULATED_OUTCOMES.reduce((total, outcome) => total + rates[outcome], 0);
  if (Math.abs(sum - 1) > SUM_TOLERANCE)
    throw new DialerProfileError(
      `rates must sum to 1, got ${Number(sum.toFixed(6))} (${SIMULATED_OUTCOMES.map((o) => `${o} ${rates[o]}`).join(' + ')}; missing rates take the defaults)`,
    );
  return rates;
}

function readTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_DIALER_PROFILE.noAnswerTimeoutMs;
  if (!isMilliseconds(value) || value === 0)
    throw new DialerProfileError(
      `noAnswerTimeoutMs must be a positive number of milliseconds (got ${JSON.stringify(value)})`,
    );
  return value;
}

function readDelay(given: Record<string, unknown>, field: (typeof DELAY_FIELDS)[number]): number {
  const value = given[field];
  if (value === undefined) return DEFAULT_DIALER_PROFILE[field];
  if (isMilliseconds(value)) return value;
  throw new DialerProfileError(
    `${field} must be a number of milliseconds, 0 or more (got ${JSON.stringify(value)})`,
  );
}

function isMilliseconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
