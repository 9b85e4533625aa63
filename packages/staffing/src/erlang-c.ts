// Erlang C (M/M/n): Poisson arrivals, exponential handle times, n agents, callers wait forever.
// Computed from Erlang B by its recursion, which never forms a factorial or a power, so it stays
// finite and accurate for thousands of agents (docs/staffing.md, "Erlang C and Erlang A").

import { requireCount, requireNonNegative, requirePositive } from './validate.ts';

/** A queue's load: arrivals per second and the mean handle time (talk + wrap-up) in seconds. */
export interface ErlangCInput {
  agents: number;
  arrivalsPerSecond: number;
  handleSeconds: number;
}

/**
 * Erlang B, the blocking probability of n servers offered `traffic` Erlangs with no queue, by
 * B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)). Every step is a ratio of positive numbers below 1,
 * so nothing overflows or cancels.
 */
export function erlangB(agents: number, traffic: number): number {
  requireCount('agents', agents);
  requireNonNegative('traffic', traffic);
  let blocking = 1;
  for (let k = 1; k <= agents; k += 1) {
    const carried = traffic * blocking;
    blocking = carried / (k + carried);
  }
  return blocking;
}

/**
 * Erlang C, the probability that a caller waits at all: C = n·B / (n - a·(1 - B)) for n > a.
 * With n <= a the queue grows without bound and every caller waits: 1.
 */
export function erlangC(agents: number, traffic: number): number {
  requireCount('agents', agents);
  requireNonNegative('traffic', traffic);
  if (traffic === 0) return agents > 0 ? 0 : 1;
  if (agents <= traffic) return 1;
  const blocking = erlangB(agents, traffic);
  return Math.min(1, (agents * blocking) / (agents - traffic * (1 - blocking)));
}

/** Checks the input and returns the traffic a = λ·h in Erlangs. */
export function trafficOf(input: ErlangCInput): number {
  requireCount('agents', input.agents);
  requireNonNegative('arrivalsPerSecond', input.arrivalsPerSecond);
  requirePositive('handleSeconds', input.handleSeconds);
  return input.arrivalsPerSecond * input.handleSeconds;
}

/**
 * Service level, P(wait <= t) = 1 - C·exp(-(n - a)·t / h). 0 when the queue is unstable (n <= a):
 * the wait then grows without bound. 1 with no arrivals.
 */
export function serviceLevelC(input: ErlangCInput, targetSeconds: number): number {
  const traffic = trafficOf(input);
  requireNonNegative('targetSeconds', targetSeconds);
  if (traffic === 0) return 1;
  if (input.agents <= traffic) return 0;
  const waitProbability = erlangC(input.agents, traffic);
  const sl =
    1 - waitProbability * Math.exp((-(input.agents - traffic) * targetSeconds) / input.handleSeconds);
  return Math.min(1, Math.max(0, sl));
}

/** Average speed of answer in seconds, C·h / (n - a); Infinity when the queue is unstable. */
export function averageWaitC(input: ErlangCInput): number {
  const traffic = trafficOf(input);
  if (traffic === 0) return 0;
  if (input.agents <= traffic) return Number.POSITIVE_INFINITY;
  return (erlangC(input.agents, traffic) * input.handleSeconds) / (input.agents - traffic);
}

/** Share of signed-in time the agents spend handling calls, min(1, a / n). */
export function occupancyC(input: ErlangCInput): number {
  const traffic = trafficOf(input);
  if (traffic === 0) return 0;
  if (input.agents === 0) return 1;
  return Math.min(1, traffic / input.agents);
}
