import {
  type DialerProfile,
  type RetryPolicy,
  SIMULATED_OUTCOMES,
  type SimulatedOutcome,
} from '@pronto/contracts';
import { DRAW, exponential, keyedUniform, lognormal, uniformBetween } from './random.ts';
import type { HandleTime, SimulationInput } from './types.ts';

/**
 * From the offer until the agent accepts it on the desktop and the dial starts. Agents at their desk
 * accept within a couple of seconds; the dispatcher's own offer timeout is far longer, and a missed
 * offer is not modelled (every offer is accepted).
 */
export const AGENT_ACCEPT_MS = 2_000;

/** One dial of one lead, from the offer to the agent being free again. Times are epoch ms. */
export interface PlannedAttempt {
  /** When the dial starts (the offer accepted). */
  readonly dialAt: number;
  /** When the person answered; NaN when they did not. */
  readonly contactAt: number;
  /** When the agent is free again (after wrap-up for a contact). */
  readonly endAt: number;
  readonly outcome: SimulatedOutcome;
}

export interface PlanContext {
  readonly seed: number;
  readonly mode: 'profile' | 'erlang';
  readonly profile: DialerProfile;
  readonly handle: HandleTime;
}

/** The run's draws and call rules: the same for the simulation and for its upper bound. */
export function planContextOf(input: SimulationInput): PlanContext {
  return { seed: input.seed, mode: input.mode, profile: input.campaign.dialerProfile, handle: input.handle };
}

/** The handle time (talk + wrap-up) of the lead's n-th dial, in ms, from its own keyed draws. */
export function drawHandleMs(context: PlanContext, lead: number, attempt: number): number {
  const u = keyedUniform(context.seed, lead, attempt, DRAW.handle);
  const { handle } = context;
  if (handle.kind === 'fixed') return handle.seconds * 1_000;
  if (handle.kind === 'exponential') return exponential(handle.meanSeconds, u) * 1_000;
  const shape = keyedUniform(context.seed, lead, attempt, DRAW.handleShape);
  return lognormal(handle.meanSeconds, handle.sdSeconds, u, shape) * 1_000;
}

/** The profile's outcome for a roll in [0, 1), cumulative over the rates in the dialer's order. */
function outcomeOf(rates: DialerProfile['rates'], roll: number): SimulatedOutcome {
  let cumulative = 0;
  for (const outcome of SIMULATED_OUTCOMES) {
    cumulative += rates[outcome];
    if (roll < cumulative) return outcome;
  }
  return SIMULATED_OUTCOMES.findLast((outcome) => rates[outcome] > 0) ?? 'no_answer';
}

/**
 * How the lead's n-th dial goes when it is offered at `offerAt`, the way the simulated dialer plays a
 * call (services/dialer/src/simulated/plan-call.ts): the agent accepts, the agent's phone rings, the
 * network takes the post-dial delay, then busy and failed end at once, no answer ends at the ring
 * timeout, a voicemail ends after machine detection, and a person who answers talks for the handle
 * time. Everything but `offerAt` comes from the lead's keyed draws, so it is the same whichever policy
 * offered the lead, and whenever.
 */
export function planAttempt(
  context: PlanContext,
  lead: number,
  attempt: number,
  offerAt: number,
): PlannedAttempt {
  if (context.mode === 'erlang') {
    return {
      dialAt: offerAt,
      contactAt: offerAt,
      endAt: offerAt + drawHandleMs(context, lead, attempt),
      outcome: 'answered',
    };
  }
  const { profile, seed } = context;
  const dialAt = offerAt + AGENT_ACCEPT_MS;
  const [agentMin, agentMax] = profile.agentRingMs;
  const networkAt =
    dialAt +
    uniformBetween(agentMin, agentMax, keyedUniform(seed, lead, attempt, DRAW.agentRing)) +
    profile.postDialDelayMs;
  const drawn = outcomeOf(profile.rates, keyedUniform(seed, lead, attempt, DRAW.outcome));
  if (drawn === 'busy' || drawn === 'failed')
    return { dialAt, contactAt: Number.NaN, endAt: networkAt, outcome: drawn };
  const noAnswer: PlannedAttempt = {
    dialAt,
    contactAt: Number.NaN,
    endAt: networkAt + profile.noAnswerTimeoutMs,
    outcome: 'no_answer',
  };
  if (drawn === 'no_answer') return noAnswer;
  const [ringMin, ringMax] = profile.personRingMs;
  const ring = uniformBetween(ringMin, ringMax, keyedUniform(seed, lead, attempt, DRAW.personRing));
  if (ring >= profile.noAnswerTimeoutMs) return noAnswer;
  if (drawn === 'voicemail')
    return {
      dialAt,
      contactAt: Number.NaN,
      endAt: networkAt + ring + profile.machineDetectionMs,
      outcome: drawn,
    };
  const contactAt = networkAt + ring;
  return { dialAt, contactAt, endAt: contactAt + drawHandleMs(context, lead, attempt), outcome: 'answered' };
}

/** The mean agent time of one dial (ms): what a lead costs an agent, contact or not, on average. */
export function meanAttemptMs(profile: DialerProfile, handleMeanMs: number): number {
  const { rates } = profile;
  const network =
    AGENT_ACCEPT_MS + (profile.agentRingMs[0] + profile.agentRingMs[1]) / 2 + profile.postDialDelayMs;
  const ring = (profile.personRingMs[0] + profile.personRingMs[1]) / 2;
  return (
    network +
    rates.no_answer * profile.noAnswerTimeoutMs +
    rates.voicemail * (ring + profile.machineDetectionMs) +
    rates.answered * (ring + handleMeanMs)
  );
}

export function handleMeanSeconds(handle: HandleTime): number {
  return handle.kind === 'fixed' ? handle.seconds : handle.meanSeconds;
}

/**
 * The mean agent time a lead takes (ms), non-contact dials included: the mean dial times the expected
 * number of dials, sum over k < cap of (1 - answered)^k, cap = the fewer of maxAttempts and
 * maxAttemptsPer24h (a day's run rarely reaches a second day's dials). Erlang mode: the handle time.
 * The capacity of n agents is n / this; a load of 1 is arrivals at that rate.
 */
export function meanAgentMsPerLead(context: Omit<PlanContext, 'seed'>, retry: RetryPolicy): number {
  const handleMs = handleMeanSeconds(context.handle) * 1_000;
  if (context.mode === 'erlang') return handleMs;
  const miss = 1 - context.profile.rates.answered;
  const cap = Math.min(retry.maxAttempts, retry.maxAttemptsPer24h);
  let dials = 0;
  for (let k = 0; k < cap; k += 1) dials += miss ** k;
  return meanAttemptMs(context.profile, handleMs) * dials;
}
