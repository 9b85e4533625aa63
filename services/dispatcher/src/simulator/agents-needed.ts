import type { DispatchPolicy } from '../policy/index.ts';
import { handleMeanSeconds } from './call-plan.ts';
import { simulate } from './simulate.ts';
import { HOUR_MS } from './traffic.ts';
import type { HandleTime, SimAgent, SimCampaign } from './types.ts';

/** Any fixed instant: stationary traffic on a campaign without windows does not depend on the date. */
const STATIONARY_START = Date.UTC(2026, 0, 5);
/**
 * Discarded: the run starts with every agent idle, which flatters the first minutes. 30 minutes, or
 * the time 500 leads take to arrive when that is shorter: a busy hour's queue fills (and its many
 * agents turn over) within a few hundred arrivals, and a longer warm-up would only add work.
 */
const WARMUP_MAX_MS = 30 * 60_000;
const WARMUP_MIN_LEADS = 500;
/**
 * Counted leads per run: the standard error of a 90 % attainment over 1,500 leads is under one point.
 * The staffing API asks for every hour of a day, so one search (a handful of runs) must stay short:
 * hence not more, whatever the rate.
 */
export const STATIONARY_MIN_LEADS = 1_500;
/** And at least this long, so that a run spans several handle times and busy periods. */
const STATIONARY_MIN_MS = 5 * 60_000;

/**
 * Both spans are also at least this many mean handle times: a run that starts with every agent idle
 * fills up over a few of them, and a span shorter than that sees too few calls end to say anything.
 */
const HANDLE_TIMES_PER_SPAN = 3;

/** The warm-up of a stationary run at this rate and mean handle time. */
export function stationaryWarmupMs(arrivalsPerHour: number, handleMs: number): number {
  const byLeads = Math.min(WARMUP_MAX_MS, (WARMUP_MIN_LEADS / arrivalsPerHour) * HOUR_MS);
  return Math.max(byLeads, HANDLE_TIMES_PER_SPAN * handleMs);
}

export interface AgentsNeededBySimulationInput {
  seed: number;
  policy: DispatchPolicy;
  campaign: SimCampaign;
  handle: HandleTime;
  mode: 'profile' | 'erlang';
  arrivalsPerHour: number;
  target: number;
  /** Where the search starts, e.g. Erlang's answer. */
  hint: number;
  /** Default 10,000. */
  maxAgents?: number;
}

/**
 * A run never spans more than this: at a rate of a lead a week the minimum leads would take decades
 * (and a rate of 1e-300 forever), while a fortnight of so few leads already says they are met.
 */
const STATIONARY_MAX_MS = 14 * 24 * HOUR_MS;

/** The counted span of a stationary run: STATIONARY_MIN_LEADS leads, at least 5 minutes and 3 handle times, at most a fortnight. */
export function stationaryDurationMs(arrivalsPerHour: number, handleMs: number): number {
  const span = Math.max(
    STATIONARY_MIN_MS,
    HANDLE_TIMES_PER_SPAN * handleMs,
    (STATIONARY_MIN_LEADS / arrivalsPerHour) * HOUR_MS,
  );
  return Math.min(span, STATIONARY_MAX_MS);
}

/** Attainment with `agents` agents of the campaign's first group, on shift the whole run. */
function stationaryAttainment(input: AgentsNeededBySimulationInput, agents: number): number {
  const handleMs = handleMeanSeconds(input.handle) * 1_000;
  const warmupMs = stationaryWarmupMs(input.arrivalsPerHour, handleMs);
  const durationMs = warmupMs + stationaryDurationMs(input.arrivalsPerHour, handleMs);
  const group = input.campaign.agentGroups[0] ?? 'agents';
  const campaign: SimCampaign = { ...input.campaign, agentGroups: [group], callingWindows: [], holidays: [] };
  const shift = { from: STATIONARY_START, to: STATIONARY_START + durationMs + 2 * 86_400_000 };
  const team: SimAgent[] = Array.from({ length: agents }, (_, n) => ({
    id: `a${n}`,
    groups: [group],
    shifts: [shift],
  }));
  const result = simulate({
    seed: input.seed,
    policy: input.policy,
    start: STATIONARY_START,
    durationMs,
    warmupMs,
    campaign,
    agents: team,
    arrivals: { kind: 'poisson', perHour: [input.arrivalsPerHour] },
    handle: input.handle,
    mode: input.mode,
  });
  // No lead counted (a rate of a few a fortnight): none was missed.
  return result.total.attainment ?? 1;
}

/**
 * The smallest agent count (one group, all on shift) for which stationary traffic at this rate meets
 * the target attainment. Every count runs the same seed, so the same leads with the same draws (common
 * random numbers): attainment then rises with the agents almost surely, and a search by doubling from
 * the hint, then halving, asks a handful of runs. When even maxAgents falls short (the answer rate
 * caps attainment below the target), maxAgents and its attainment come back.
 */
export function agentsNeededBySimulation(input: AgentsNeededBySimulationInput): {
  agents: number;
  attainment: number;
} {
  const maxAgents = input.maxAgents ?? 10_000;
  if (!(input.arrivalsPerHour > 0)) return { agents: 0, attainment: 1 };
  const memo = new Map<number, number>();
  const attainment = (agents: number): number => {
    let value = memo.get(agents);
    if (value === undefined) {
      value = stationaryAttainment(input, agents);
      memo.set(agents, value);
    }
    return value;
  };
  const meets = (agents: number) => attainment(agents) >= input.target;
  let high = Math.min(Math.max(1, Math.round(input.hint)), maxAgents);
  let low = 0;
  if (meets(high)) {
    // Down: find a count that falls short, doubling the step.
    for (let step = 1; ; step *= 2) {
      const candidate = high - step;
      if (candidate < 1) break;
      if (!meets(candidate)) {
        low = candidate;
        break;
      }
      high = candidate;
    }
  } else {
    low = high;
    for (let step = 1; ; step *= 2) {
      const candidate = Math.min(low + step, maxAgents);
      if (meets(candidate)) {
        high = candidate;
        break;
      }
      if (candidate === maxAgents) return { agents: maxAgents, attainment: attainment(maxAgents) };
      low = candidate;
    }
  }
  // low falls short (or is 0), high meets: halve the gap.
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (meets(middle)) high = middle;
    else low = middle;
  }
  return { agents: high, attainment: attainment(high) };
}
