import type { DispatchPolicy } from '../policy/index.ts';
import { simulate } from './simulate.ts';
import { HOUR_MS } from './traffic.ts';
import type { HandleTime, SimAgent, SimCampaign } from './types.ts';

/** Any fixed instant: stationary traffic on a campaign without windows does not depend on the date. */
const STATIONARY_START = Date.UTC(2026, 0, 5);
/** Discarded: the run starts with every agent idle, which flatters the first minutes. */
export const STATIONARY_WARMUP_MS = 30 * 60_000;
/**
 * At least this long, and at least STATIONARY_MIN_LEADS, for a figure that moves little run to run
 * (the standard error of a 90 % attainment over 1,500 leads is under one point). The staffing API asks
 * for every hour of a day, so one search (a handful of runs) must stay near 150 ms: hence not more.
 */
const STATIONARY_MIN_MS = 3 * HOUR_MS;
export const STATIONARY_MIN_LEADS = 1_500;
/** A run never goes past this many leads: at 500 leads an hour, 3 hours. */
const STATIONARY_MAX_LEADS = 1_500;

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

/** The span of a stationary run at this rate: long enough for the minimum leads, short enough for the cap. */
export function stationaryDurationMs(arrivalsPerHour: number): number {
  const forLeads = (STATIONARY_MIN_LEADS / arrivalsPerHour) * HOUR_MS;
  const cap = (STATIONARY_MAX_LEADS / arrivalsPerHour) * HOUR_MS;
  return Math.min(Math.max(STATIONARY_MIN_MS, forLeads), Math.max(cap, STATIONARY_WARMUP_MS + HOUR_MS));
}

/** Attainment with `agents` agents of the campaign's first group, on shift the whole run. */
function stationaryAttainment(input: AgentsNeededBySimulationInput, agents: number): number {
  const durationMs = STATIONARY_WARMUP_MS + stationaryDurationMs(input.arrivalsPerHour);
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
    warmupMs: STATIONARY_WARMUP_MS,
    campaign,
    agents: team,
    arrivals: { kind: 'poisson', perHour: [input.arrivalsPerHour] },
    handle: input.handle,
    mode: input.mode,
  });
  return result.total.attainment ?? 0;
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
