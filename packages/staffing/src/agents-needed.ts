// The fewest agents that meet a service-level target: the staffing advisor's answer for one hour.

import { erlangA } from './erlang-a.ts';
import { occupancyC, serviceLevelC } from './erlang-c.ts';
import {
  requireNonNegative,
  requireOpenShare,
  requirePatience,
  requirePositive,
  requireShare,
} from './validate.ts';

export interface AgentsNeededInput {
  arrivalsPerSecond: number;
  handleSeconds: number;
  targetSeconds: number;
  /** The share to be served within targetSeconds, e.g. 0.9. */
  target: number;
  model?: 'erlang-c' | 'erlang-a';
  /** Mean patience in seconds; required by Erlang A. */
  patienceSeconds?: number;
  /** Optional cap on the agents' occupancy, e.g. 0.95: no plan should keep agents busy 100 %. */
  maxOccupancy?: number;
}

/** Beyond this the input is not a call centre's hour; stop rather than loop for minutes. */
const MAX_AGENTS = 100_000;

/**
 * The smallest n whose service level meets `target` (and whose occupancy stays within
 * maxOccupancy). The service level rises with every agent added, so the search steps up from a
 * count that cannot suffice: for Erlang C the first stable count ⌊a⌋ + 1; for Erlang A
 * ⌈target·a⌉ - 1, since n agents answer at most n/a of the arrivals. The answer therefore meets the
 * target and one agent fewer does not.
 */
export function agentsNeeded(input: AgentsNeededInput): { agents: number; serviceLevel: number } {
  const check = checkedInput(input);
  const traffic = input.arrivalsPerSecond * input.handleSeconds;
  if (traffic === 0) return { agents: 0, serviceLevel: 1 };
  const figuresOf = figuresFunction(input, check.patienceSeconds);
  const occupancyCap = input.maxOccupancy ?? 1;
  for (let agents = firstCandidate(input, traffic); agents <= MAX_AGENTS; agents += 1) {
    const { serviceLevel, occupancy } = figuresOf(agents);
    if (serviceLevel >= input.target && occupancy <= occupancyCap) return { agents, serviceLevel };
  }
  throw new RangeError(`arrivalsPerSecond: the target needs more than ${MAX_AGENTS} agents`);
}

function checkedInput(input: AgentsNeededInput): { patienceSeconds: number } {
  requireNonNegative('arrivalsPerSecond', input.arrivalsPerSecond);
  requirePositive('handleSeconds', input.handleSeconds);
  requireNonNegative('targetSeconds', input.targetSeconds);
  requireOpenShare('target', input.target);
  if (input.maxOccupancy !== undefined) {
    requireShare('maxOccupancy', input.maxOccupancy);
    if (input.maxOccupancy === 0) throw new RangeError('maxOccupancy must be > 0, got 0');
  }
  const model = input.model ?? 'erlang-c';
  if (model !== 'erlang-c' && model !== 'erlang-a') {
    throw new RangeError(`model must be 'erlang-c' or 'erlang-a', got ${String(model)}`);
  }
  if (model === 'erlang-c') return { patienceSeconds: Number.POSITIVE_INFINITY };
  if (input.patienceSeconds === undefined) {
    throw new RangeError('patienceSeconds is required by the erlang-a model');
  }
  return { patienceSeconds: requirePatience('patienceSeconds', input.patienceSeconds) };
}

interface StaffedFigures {
  serviceLevel: number;
  occupancy: number;
}

/**
 * Service level and occupancy of n agents under the chosen model. Under Erlang A the agents only
 * handle the callers who stay, a·(1 - P(Ab)) Erlangs, so n may be below a and still stable.
 */
function figuresFunction(
  input: AgentsNeededInput,
  patienceSeconds: number,
): (agents: number) => StaffedFigures {
  const { arrivalsPerSecond, handleSeconds, targetSeconds } = input;
  const traffic = arrivalsPerSecond * handleSeconds;
  if ((input.model ?? 'erlang-c') === 'erlang-c') {
    return (agents) => {
      const queue = { agents, arrivalsPerSecond, handleSeconds };
      return { serviceLevel: serviceLevelC(queue, targetSeconds), occupancy: occupancyC(queue) };
    };
  }
  return (agents) => {
    const figures = erlangA({ agents, arrivalsPerSecond, handleSeconds, patienceSeconds }, targetSeconds);
    return {
      serviceLevel: figures.serviceLevel,
      occupancy: Math.min(1, (traffic * (1 - figures.abandonment)) / agents),
    };
  };
}

function firstCandidate(input: AgentsNeededInput, traffic: number): number {
  if ((input.model ?? 'erlang-c') === 'erlang-c') return Math.floor(traffic) + 1;
  return Math.max(1, Math.ceil(input.target * traffic) - 1);
}
