import { type DialerProfile, type RetryPolicy, resolveProfile } from '@pronto/contracts';
import { fieldError, ProblemError } from '@pronto/http';
import { type CallingWindow, openIntervals } from '@pronto/sla';
import {
  agentsNeeded,
  forecastHourly,
  leadTargetSeconds,
  reachWithinSla,
  requiredServiceLevel,
} from '@pronto/staffing';
import { DEFAULT_CONNECT_ALLOWANCE_MS, type DispatchPolicy, defaultPolicy } from '../policy/index.ts';
import { resolveRetryPolicy } from '../retry-policy.ts';
import { agentsNeededBySimulation, meanAgentMsPerLead, type SimCampaign } from '../simulator/index.ts';
import type { LocalHour } from './local-hours.ts';
import type { StaffingAnswer, StaffingHour } from './staffing-schema.ts';
import type { CampaignRow } from './staffing-sql.ts';

/** Fewer contacts than this in the history: the handle time is the dialer profile's mean talk instead. */
export const MIN_CONTACTS_FOR_HANDLE = 20;
/**
 * The highest service level the queue is asked for. A target that needs more (the answer rate and
 * the in-SLA dials reach too few leads for it, or only with every lead offered at once) is capped:
 * the hours are then staffed for FALLBACK_SERVICE_LEVEL of what can be reached, and the answer says so.
 */
export const MAX_SERVICE_LEVEL = 0.99;
export const FALLBACK_SERVICE_LEVEL = 0.9;
/**
 * The simulated search looks this many agents above the work's own size (agent time per lead,
 * unanswered dials included, times arrivals, at two thirds occupancy) or Erlang's answer, whichever is
 * larger: past that more agents cannot help (the answer rate caps the attainment), and an hour that
 * still falls short says so (belowTarget).
 */
export const MAX_EXTRA_AGENTS = 12;
/** Occupancy at which the search's ceiling sizes the team for the work. */
const CEILING_OCCUPANCY = 2 / 3;
/**
 * Above this traffic an hour is not simulated in an answer: its staffing search takes about a
 * second per hour there and grows with the agents, and Erlang C's count is close for large teams.
 * `npm run simulate` runs any size.
 */
export const SIMULATION_MAX_ERLANGS = 100;
/**
 * No answer for traffic above this (agents' worth of work in one hour): a what-if of absurd size
 * would only hold the process; 400 naming the field that made it.
 */
export const MAX_ERLANGS = 10_000;
/** The simulator's seed, the same for every hour: the same inputs give the same answer, so a repeated what-if does not jitter. */
const SIMULATION_SEED = 18;

/** Where the figures of one answer come from, before any staffing is computed. */
export interface StaffingInputs {
  readonly campaign: CampaignRow;
  readonly date: string;
  readonly weeks: number;
  readonly target: number;
  /** Where the target comes from: the query, the campaign's attainment alert threshold, or the default 0.9. */
  readonly targetSource: 'query' | 'campaign' | 'default';
  readonly arrivalMultiplier: number;
  readonly hours: readonly LocalHour[];
  /** Per local hour 0-23: the history's mean (or the query's what-if), before the multiplier. */
  readonly hourlyArrivals: readonly number[];
  readonly arrivalsSource: 'history' | 'query';
  readonly handleSeconds: number;
  readonly handleSource: 'history' | 'dialer_profile' | 'query';
  /** Per entry of `hours`: mean agents signed in, or null for an hour not started yet. */
  readonly signedIn: readonly (number | null)[];
  readonly now: Date;
  /** The dispatch policy the simulator runs (the dispatcher's default). */
  readonly policy?: DispatchPolicy;
}

/** The dialer profile's mean talk, in seconds: the handle time when the history has too few contacts. */
export function profileHandleSeconds(profile: DialerProfile): number {
  return (profile.talkMs[0] + profile.talkMs[1]) / 2 / 1_000;
}

/**
 * How many dials of a lead can start within `targetSeconds` of its arrival: the first at once, then
 * one after each short retry delay, each after a dial that rang out unanswered (post-dial delay plus
 * the no-answer timeout), never more than the policy's caps.
 */
export function attemptsWithinSla(retry: RetryPolicy, profile: DialerProfile, targetSeconds: number): number {
  const failedDialSeconds = (profile.postDialDelayMs + profile.noAnswerTimeoutMs) / 1_000;
  const cap = Math.min(retry.maxAttempts, retry.maxAttemptsPer24h);
  let attempts = 1;
  let at = 0;
  for (const delay of retry.shortDelaysSeconds) {
    at += failedDialSeconds + delay;
    if (at > targetSeconds || attempts >= cap) break;
    attempts += 1;
  }
  return attempts;
}

/** Reads the campaign's JSON settings as the dispatcher does; a broken profile falls back to the default. */
export function campaignSettings(campaign: CampaignRow): { profile: DialerProfile; retry: RetryPolicy } {
  let profile: DialerProfile;
  try {
    profile = resolveProfile(campaign.dialer_profile);
  } catch {
    profile = resolveProfile(undefined);
  }
  return { profile, retry: resolveRetryPolicy(campaign.retry_policy) };
}

/** The hours the campaign may call in: its calling windows (none: any time), in its own zone. */
function isOpen(campaign: CampaignRow, hour: LocalHour): boolean {
  const windows = (
    Array.isArray(campaign.calling_windows) ? campaign.calling_windows : []
  ) as CallingWindow[];
  if (windows.length === 0) return true;
  const holidays = (Array.isArray(campaign.holidays) ? campaign.holidays : []) as string[];
  return openIntervals({ windows, holidays }, campaign.time_zone, hour.from, hour.to).length > 0;
}

/**
 * The campaign as the simulator takes it, for one stationary hour: always open (closed hours are
 * not simulated) on a calendar clock, so the hour's own traffic and staff decide the figures.
 */
function simCampaign(campaign: CampaignRow, profile: DialerProfile, retry: RetryPolicy): SimCampaign {
  return {
    id: campaign.id,
    slaSeconds: campaign.sla_seconds,
    slaClock: 'calendar',
    timeZone: campaign.time_zone,
    callingWindows: [],
    holidays: [],
    overflowThresholdSeconds: campaign.overflow_threshold_seconds,
    agentGroups: campaign.agent_groups.length > 0 ? campaign.agent_groups : ['staff'],
    retryPolicy: retry,
    dialerProfile: profile,
  };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Lets the I/O and timers waiting behind a long computation run before it goes on. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

type HourStaffing = Pick<
  StaffingHour,
  'erlangAgents' | 'erlangServiceLevel' | 'simulatedAgents' | 'simulatedAttainment' | 'belowTarget'
>;
const NO_STAFF_NEEDED: HourStaffing = {
  erlangAgents: 0,
  erlangServiceLevel: null,
  simulatedAgents: 0,
  simulatedAttainment: null,
  belowTarget: null,
};

/**
 * The agents an hour needs at a rate of arrivals per hour: Erlang C's count for the service level,
 * and the simulator's for the attainment, searched from Erlang's. Hours of the same rate (a quiet
 * night's, a repeated clock-change hour's) are simulated once.
 */
function staffingOfRate(options: {
  policy: DispatchPolicy;
  campaign: SimCampaign;
  handleSeconds: number;
  /** Agent time one lead takes on average, unanswered dials and retries included. */
  agentSecondsPerLead: number;
  targetSeconds: number;
  serviceLevelTarget: number;
  attainmentTarget: number;
}): (arrivalsPerHour: number) => HourStaffing {
  const known = new Map<number, HourStaffing>();
  return (arrivalsPerHour) => {
    const kept = known.get(arrivalsPerHour);
    if (kept) return kept;
    const erlang = agentsNeeded({
      arrivalsPerSecond: arrivalsPerHour / 3_600,
      handleSeconds: options.handleSeconds,
      targetSeconds: options.targetSeconds,
      target: options.serviceLevelTarget,
      model: 'erlang-c',
    });
    const work = (arrivalsPerHour / 3_600) * options.agentSecondsPerLead;
    if (work > SIMULATION_MAX_ERLANGS) {
      const beyond = {
        erlangAgents: erlang.agents,
        erlangServiceLevel: round(erlang.serviceLevel, 4),
        simulatedAgents: null,
        simulatedAttainment: null,
        belowTarget: null,
      };
      known.set(arrivalsPerHour, beyond);
      return beyond;
    }
    const simulated = agentsNeededBySimulation({
      seed: SIMULATION_SEED,
      policy: options.policy,
      campaign: options.campaign,
      handle: { kind: 'exponential', meanSeconds: options.handleSeconds },
      mode: 'profile',
      arrivalsPerHour,
      target: options.attainmentTarget,
      // The work itself (unanswered dials included) when it is more than Erlang's count of the talk.
      hint: Math.max(erlang.agents, Math.ceil(work)),
      maxAgents: Math.max(erlang.agents, Math.ceil(work / CEILING_OCCUPANCY)) + MAX_EXTRA_AGENTS,
    });
    const staffing = {
      erlangAgents: erlang.agents,
      erlangServiceLevel: round(erlang.serviceLevel, 4),
      simulatedAgents: simulated.agents,
      simulatedAttainment: round(simulated.attainment, 4),
      belowTarget: simulated.attainment < options.attainmentTarget,
    };
    known.set(arrivalsPerHour, staffing);
    return staffing;
  };
}

/**
 * A 400 naming what made an hour's traffic larger than MAX_ERLANGS: the arrivals or the multiplier
 * or the handle time of a what-if, else the campaign's own history.
 */
function refuseAbsurdTraffic(inputs: StaffingInputs, agentSecondsPerLead: number) {
  const busiest = Math.max(0, ...inputs.hourlyArrivals) * inputs.arrivalMultiplier;
  const erlangs = (busiest / 3_600) * agentSecondsPerLead;
  if (erlangs <= MAX_ERLANGS) return;
  const field =
    inputs.handleSource === 'query'
      ? 'handleSeconds'
      : inputs.arrivalsSource === 'query'
        ? 'arrivals'
        : inputs.arrivalMultiplier !== 1
          ? 'arrivalMultiplier'
          : 'campaign';
  throw new ProblemError('validation-error', 'The query has invalid fields', [
    fieldError(
      field,
      `${field} makes the busiest hour ${Math.round(erlangs)} Erlangs of work (${Math.round(busiest)} leads of ${Math.round(agentSecondsPerLead)} s of agent time each, unanswered dials included); the advice answers up to ${MAX_ERLANGS}`,
    ),
  ]);
}

/**
 * The advice: per hour, the arrivals, the agents Erlang C and the simulator say the attainment
 * target needs, the agents that were signed in, and the gap. docs/staffing.md explains each number.
 */
export async function adviseStaffing(inputs: StaffingInputs): Promise<StaffingAnswer> {
  const { campaign } = inputs;
  const { profile, retry } = campaignSettings(campaign);
  const slaSeconds = campaign.sla_seconds;
  const dialAllowanceSeconds = DEFAULT_CONNECT_ALLOWANCE_MS / 1_000;
  const targetSeconds = leadTargetSeconds({ slaSeconds, dialAllowanceSeconds });
  const attempts = attemptsWithinSla(retry, profile, targetSeconds);
  const mapping = {
    slaSeconds,
    dialAllowanceSeconds,
    answerRate: profile.rates.answered,
    attemptsWithinSla: attempts,
  };
  const reach = reachWithinSla(mapping);
  const required = requiredServiceLevel(inputs.target, mapping);
  const targetCapped = required === null || required > MAX_SERVICE_LEVEL;
  const serviceLevelTarget = targetCapped ? FALLBACK_SERVICE_LEVEL : required;
  const attainmentTarget = targetCapped ? reach * FALLBACK_SERVICE_LEVEL : inputs.target;
  const agentSecondsPerLead =
    meanAgentMsPerLead(
      { mode: 'profile', profile, handle: { kind: 'exponential', meanSeconds: inputs.handleSeconds } },
      retry,
    ) / 1_000;
  const staff = staffingOfRate({
    agentSecondsPerLead,
    policy: inputs.policy ?? defaultPolicy,
    campaign: simCampaign(campaign, profile, retry),
    handleSeconds: inputs.handleSeconds,
    targetSeconds,
    serviceLevelTarget,
    attainmentTarget,
  });
  refuseAbsurdTraffic(inputs, agentSecondsPerLead);
  const hours: StaffingHour[] = [];
  for (const [n, hour] of inputs.hours.entries()) {
    const open = isOpen(campaign, hour);
    const forecast = (inputs.hourlyArrivals[hour.hour] ?? 0) * inputs.arrivalMultiplier;
    const signedIn = inputs.signedIn[n] ?? null;
    // Each hour's search runs for tens of milliseconds: between hours, the process answers others
    // (in `npm start` the same thread takes the events and serves the agents).
    await yieldToOthers();
    const figures =
      open && forecast > 0 ? staff(forecast * (3_600_000 / (hour.to - hour.from))) : NO_STAFF_NEEDED;
    hours.push({
      hour: hour.hour,
      from: new Date(hour.from).toISOString(),
      to: new Date(hour.to).toISOString(),
      open,
      forecastArrivals: round(forecast, 2),
      ...figures,
      signedInAgents: signedIn === null ? null : round(signedIn, 2),
      gap: signedIn === null ? null : round(signedIn - (figures.simulatedAgents ?? figures.erlangAgents), 2),
    });
  }
  return {
    campaign: campaign.slug,
    date: inputs.date,
    timeZone: campaign.time_zone,
    target: inputs.target,
    targetSource: inputs.targetSource,
    slaSeconds,
    targetSeconds,
    weeks: inputs.weeks,
    arrivalMultiplier: inputs.arrivalMultiplier,
    arrivalsSource: inputs.arrivalsSource,
    handleSeconds: round(inputs.handleSeconds, 1),
    handleSource: inputs.handleSource,
    answerRate: profile.rates.answered,
    attemptsWithinSla: attempts,
    reachWithinSla: round(reach, 4),
    serviceLevelTarget: round(serviceLevelTarget, 4),
    attainmentTarget: round(attainmentTarget, 4),
    targetCapped,
    generatedAt: inputs.now.toISOString(),
    hours,
    totals: totalsOf(hours),
  };
}

function totalsOf(hours: readonly StaffingHour[]): StaffingAnswer['totals'] {
  const sum = (pick: (hour: StaffingHour) => number) => hours.reduce((total, hour) => total + pick(hour), 0);
  const started = hours.filter((hour) => hour.signedInAgents !== null);
  return {
    forecastArrivals: round(
      sum((hour) => hour.forecastArrivals),
      2,
    ),
    erlangAgentHours: sum((hour) => hour.erlangAgents),
    simulatedAgentHours: sum((hour) => hour.simulatedAgents ?? hour.erlangAgents),
    signedInAgentHours:
      started.length === 0
        ? null
        : round(
            started.reduce((total, hour) => total + (hour.signedInAgents ?? 0), 0),
            2,
          ),
  };
}

/** The mean arrivals per local hour over the past weeks' same weekday (each a list of 24 counts). */
export function forecastFromHistory(weeks: readonly (readonly number[])[]): number[] {
  return weeks.length === 0 ? Array.from({ length: 24 }, () => 0) : forecastHourly(weeks);
}
