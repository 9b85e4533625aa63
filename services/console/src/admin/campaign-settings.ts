import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_WEIGHTS,
  DialerProfileError,
  type FieldError,
  knownTimeZone,
  resolveProfile,
} from '@pronto/contracts';
import { fieldError } from '@pronto/http';
import { DEFAULT_CALLING_WINDOWS } from '@pronto/tenancy';
import { isPrintableName } from './agent-input.ts';

export interface CallingWindow {
  days: number[];
  from: string;
  to: string;
}

export interface RetryPolicySettings {
  shortDelaysSeconds: number[];
  cadenceSeconds: number[];
  maxAttempts: number;
  maxAttemptsPer24h: number;
}

/** A campaign's whole desired state (docs/admin-api "Campaigns"), every default filled in. */
export interface CampaignSettings {
  name: string;
  slaSeconds: number;
  slaClock: 'business_hours' | 'calendar';
  timeZone: string;
  callingWindows: CallingWindow[];
  holidays: string[];
  retryPolicy: RetryPolicySettings;
  offerTimeoutSeconds: number;
  overflowThresholdSeconds: number;
  scoringWeights: Record<string, number | Record<string, number>>;
  callerId: string | null;
  dialerProfile: Record<string, unknown>;
  agentGroups: string[];
}

/** The order fields are compared and listed in `changes`. */
export const CAMPAIGN_FIELDS = [
  'name',
  'slaSeconds',
  'slaClock',
  'timeZone',
  'callingWindows',
  'holidays',
  'retryPolicy',
  'offerTimeoutSeconds',
  'overflowThresholdSeconds',
  'scoringWeights',
  'callerId',
  'dialerProfile',
  'agentGroups',
] as const satisfies readonly (keyof CampaignSettings)[];

const RETRY_FIELDS = Object.keys(DEFAULT_RETRY_POLICY) as (keyof RetryPolicySettings)[];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const E164 = /^\+[1-9]\d{6,14}$/;

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The settings a PUT asks for, defaults filled, or every bad field named as the caller wrote it
 * (`callingWindows.0.to`) with a sentence the console shows beside the input. `groups` are the
 * tenant's agent groups, which `agentGroups` must name.
 */
export function validateCampaignSettings(
  body: Body,
  groups: ReadonlySet<string>,
): { settings: CampaignSettings; errors: [] } | { settings?: undefined; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, detail: string) => errors.push(fieldError(field, detail));
  const integer = (field: string, fallback: number, min: number, max: number, unit: string): number => {
    const value = body[field] ?? fallback;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
      fail(field, `Must be a whole number of ${unit} from ${min} to ${max}.`);
    return value as number;
  };

  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!isPrintableName(name))
    fail(
      'name',
      'Give the campaign a name of 1 to 200 characters, with no control characters or line breaks.',
    );
  const slaSeconds = integer('slaSeconds', 300, 1, 86_400, 'seconds');
  const slaClock = (body.slaClock ?? 'business_hours') as CampaignSettings['slaClock'];
  if (slaClock !== 'business_hours' && slaClock !== 'calendar')
    fail('slaClock', 'Must be business_hours (the SLA runs only inside calling windows) or calendar.');
  const zoneText = typeof body.timeZone === 'string' ? body.timeZone : '';
  const timeZone = knownTimeZone(zoneText);
  if (!timeZone)
    fail(
      'timeZone',
      zoneText
        ? `${JSON.stringify(zoneText)} is not a time zone Pronto knows; use an IANA name such as Europe/Warsaw.`
        : 'Give the time zone, an IANA name such as Europe/Warsaw.',
    );
  const callingWindows = (body.callingWindows ?? DEFAULT_CALLING_WINDOWS) as CallingWindow[];
  callingWindows.forEach((window, i) => {
    checkWindow(window, `callingWindows.${i}`, fail);
  });
  const holidays = (body.holidays ?? []) as string[];
  holidays.forEach((day, i) => {
    if (typeof day !== 'string' || !isCalendarDate(day))
      fail(`holidays.${i}`, `${JSON.stringify(day)} is not a date; write it as YYYY-MM-DD.`);
  });
  const retryPolicy = retryPolicyOf((body.retryPolicy ?? {}) as Body, fail);
  const offerTimeoutSeconds = integer('offerTimeoutSeconds', 20, 5, 300, 'seconds');
  const overflowThresholdSeconds = integer('overflowThresholdSeconds', 120, 0, 86_400, 'seconds');
  const scoringWeights = (body.scoringWeights ?? {}) as CampaignSettings['scoringWeights'];
  checkWeights(scoringWeights, fail);
  const callerId = (body.callerId ?? null) as string | null;
  if (callerId !== null && (typeof callerId !== 'string' || !E164.test(callerId)))
    fail('callerId', 'Must be a phone number in E.164 form, such as +48221234567, or null.');
  const dialerProfile = (body.dialerProfile ?? {}) as Record<string, unknown>;
  try {
    resolveProfile(dialerProfile);
  } catch (error) {
    if (!(error instanceof DialerProfileError)) throw error;
    fail('dialerProfile', `The dialer profile is not valid: ${error.problem}.`);
  }
  const agentGroups = (body.agentGroups ?? []) as string[];
  agentGroups.forEach((group, i) => {
    if (!groups.has(group))
      fail(`agentGroups.${i}`, `${JSON.stringify(group)} is not an agent group of this tenant.`);
    else if (agentGroups.indexOf(group) !== i)
      fail(`agentGroups.${i}`, `${JSON.stringify(group)} is already listed.`);
  });
  if (errors.length > 0) return { errors };
  return {
    settings: {
      name,
      slaSeconds,
      slaClock,
      timeZone: timeZone as string,
      callingWindows: callingWindows.map((w) => ({ days: w.days, from: w.from, to: w.to })),
      holidays,
      retryPolicy,
      offerTimeoutSeconds,
      overflowThresholdSeconds,
      scoringWeights,
      callerId,
      dialerProfile,
      agentGroups,
    },
    errors: [],
  };
}

type Fail = (field: string, detail: string) => void;

/** YYYY-MM-DD naming a day that exists (not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function checkWindow(window: CallingWindow, at: string, fail: Fail): void {
  if (window.days.length === 0 || window.days.some((day) => !Number.isInteger(day) || day < 1 || day > 7))
    fail(`${at}.days`, 'List the weekdays as numbers from 1 (Monday) to 7 (Sunday).');
  const fromOk = TIME.test(window.from);
  const toOk = TIME.test(window.to) || window.to === '24:00';
  if (!fromOk)
    fail(`${at}.from`, `${JSON.stringify(window.from)} is not a time; write it as HH:MM, 00:00 to 23:59.`);
  if (!toOk)
    fail(`${at}.to`, `${JSON.stringify(window.to)} is not a time; write it as HH:MM, 00:01 to 24:00.`);
  else if (fromOk && window.to <= window.from)
    fail(`${at}.to`, `The window must end after it starts (${window.from}); use 24:00 for midnight.`);
}

/** Whether a retry policy field's value is one the dispatcher takes (it keeps the default for any other). */
function retryFieldOk(name: keyof RetryPolicySettings, value: unknown): boolean {
  if (name === 'shortDelaysSeconds' || name === 'cadenceSeconds')
    return (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((delay) => Number.isInteger(delay) && (delay as number) >= 1)
    );
  return Number.isInteger(value) && (value as number) >= 1;
}

function retryPolicyOf(given: Body, fail: Fail): RetryPolicySettings {
  const policy: Record<string, unknown> = { ...DEFAULT_RETRY_POLICY, ...given };
  for (const name of RETRY_FIELDS) {
    if (retryFieldOk(name, policy[name])) continue;
    fail(
      `retryPolicy.${name}`,
      name.endsWith('Seconds')
        ? 'List at least one delay, each a whole number of seconds of 1 or more.'
        : 'Must be a whole number of 1 or more.',
    );
  }
  return Object.fromEntries(
    RETRY_FIELDS.map((name) => [name, policy[name]]),
  ) as unknown as RetryPolicySettings;
}

function checkWeights(weights: CampaignSettings['scoringWeights'], fail: Fail): void {
  const factors = Object.keys(DEFAULT_WEIGHTS);
  for (const [name, value] of Object.entries(weights)) {
    const at = `scoringWeights.${name}`;
    if (!factors.includes(name)) {
      fail(at, `${JSON.stringify(name)} is not a scoring factor; known: ${factors.join(', ')}.`);
    } else if (name === 'eligibility') {
      const levels = Object.keys(DEFAULT_WEIGHTS.eligibility);
      if (!isObject(value)) {
        fail(at, `Give points per eligibility level: ${levels.join(', ')}.`);
        continue;
      }
      for (const [level, points] of Object.entries(value)) {
        if (!levels.includes(level))
          fail(
            `${at}.${level}`,
            `${JSON.stringify(level)} is not an eligibility level; known: ${levels.join(', ')}.`,
          );
        else if (typeof points !== 'number' || !Number.isFinite(points))
          fail(`${at}.${level}`, 'Must be a number of points.');
      }
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(at, 'Must be a number.');
    }
  }
}

/** The stored campaign row (snake_case columns) as settings, with the defaults a row may lack filled in. */
export interface CampaignRow {
  slug: string;
  name: string;
  sla_seconds: number;
  sla_clock: string;
  time_zone: string;
  calling_windows: CallingWindow[];
  holidays: string[];
  retry_policy: Record<string, unknown>;
  offer_timeout_seconds: number;
  overflow_threshold_seconds: number;
  scoring_weights: CampaignSettings['scoringWeights'];
  caller_id: string | null;
  dialer_profile: Record<string, unknown> | null;
  agent_groups: string[];
  created_at: Date | string;
}

export function settingsOfRow(row: CampaignRow): CampaignSettings {
  // As the dispatcher reads it: a stored value it would not take shows as the default it uses.
  const retry = row.retry_policy ?? {};
  return {
    name: row.name,
    slaSeconds: row.sla_seconds,
    slaClock: row.sla_clock as CampaignSettings['slaClock'],
    timeZone: row.time_zone,
    callingWindows: row.calling_windows ?? [],
    holidays: row.holidays ?? [],
    retryPolicy: Object.fromEntries(
      RETRY_FIELDS.map((name) => [
        name,
        retryFieldOk(name, retry[name]) ? retry[name] : DEFAULT_RETRY_POLICY[name],
      ]),
    ) as unknown as RetryPolicySettings,
    offerTimeoutSeconds: row.offer_timeout_seconds,
    overflowThresholdSeconds: row.overflow_threshold_seconds,
    scoringWeights: row.scoring_weights ?? {},
    callerId: row.caller_id,
    dialerProfile: row.dialer_profile ?? {},
    agentGroups: row.agent_groups ?? [],
  };
}

export interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

/** The fields whose value differs (as JSON, keys in any order), before → after. */
export function diffSettings(before: CampaignSettings | null, after: CampaignSettings): Change[] {
  return CAMPAIGN_FIELDS.filter(
    (field) => !before || canonical(before[field]) !== canonical(after[field]),
  ).map((field) => ({ field, before: before ? before[field] : null, after: after[field] }));
}

/** JSON with object keys sorted, so that {a, b} and {b, a} compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    isObject(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
