// Erlang A (Palm's M/M/n+M): Erlang C's queue where each caller also gives up after an
// exponentially distributed patience. Closed forms of Mandelbaum & Zeltyn, "The Palm/Erlang-A
// queue, with applications to call centers" (2007), built on Erlang B and the incomplete gamma
// function; both are computed in a form that stays finite for thousands of agents.

import { averageWaitC, type ErlangCInput, erlangB, erlangC, serviceLevelC, trafficOf } from './erlang-c.ts';
import { lnLowerGamma } from './gamma.ts';
import { requireNonNegative, requirePatience } from './validate.ts';

/** Erlang C's input plus the callers' mean patience in seconds (Infinity: nobody gives up). */
export interface ErlangAInput extends ErlangCInput {
  patienceSeconds: number;
}

/** What a caller of an Erlang A queue experiences, as shares of all arrivals. */
export interface ErlangAFigures {
  /** P(W > 0): the share that cannot be answered at once. */
  waitProbability: number;
  /** The share answered within the target seconds (callers who give up count as not answered). */
  serviceLevel: number;
  /** The share that gives up before an agent takes it. */
  abandonment: number;
  /** Mean time in the queue over all arrivals, answered or not (E[W] = P(Ab) · patience). */
  averageWaitSeconds: number;
}

/**
 * Erlang A's figures. With x = n·patience/h and y = λ·patience, and
 * A = x·e^y·y^(-x)·γ(x, y) (Mandelbaum & Zeltyn's J-function in incomplete-gamma form):
 *   P(W > 0) = A·B / (1 + (A - 1)·B), B = Erlang B(n, a)
 *   P(Ab | W > 0) = 1/(ρ·A) + 1 - 1/ρ, ρ = a/n
 *   P(answered within t | W > 0) = [γ(x+1, y) - γ(x+1, y·e^(-t/patience))] / (y·γ(x, y))
 * The last follows from the offered wait V (the wait of a caller who never gives up):
 * P(V > s | W > 0) = γ(x, y·e^(-s/patience)) / γ(x, y); a caller waiting V is answered when its
 * patience outlasts V, which has probability e^(-V/patience).
 */
export function erlangA(input: ErlangAInput, targetSeconds: number): ErlangAFigures {
  const traffic = trafficOf(input);
  requirePatience('patienceSeconds', input.patienceSeconds);
  requireNonNegative('targetSeconds', targetSeconds);
  if (traffic === 0) return { waitProbability: 0, serviceLevel: 1, abandonment: 0, averageWaitSeconds: 0 };
  if (input.patienceSeconds === Number.POSITIVE_INFINITY)
    return erlangCFigures(input, traffic, targetSeconds);
  if (input.agents === 0) {
    return { waitProbability: 1, serviceLevel: 0, abandonment: 1, averageWaitSeconds: input.patienceSeconds };
  }
  return finitePatienceFigures(input, traffic, targetSeconds);
}

/** Infinite patience is Erlang C: nobody abandons. */
function erlangCFigures(input: ErlangAInput, traffic: number, targetSeconds: number): ErlangAFigures {
  return {
    waitProbability: erlangC(input.agents, traffic),
    serviceLevel: serviceLevelC(input, targetSeconds),
    abandonment: 0,
    averageWaitSeconds: averageWaitC(input),
  };
}

function finitePatienceFigures(input: ErlangAInput, traffic: number, targetSeconds: number): ErlangAFigures {
  const { agents, patienceSeconds } = input;
  const x = (agents * patienceSeconds) / input.handleSeconds;
  const y = input.arrivalsPerSecond * patienceSeconds;
  const load = traffic / agents;
  const lnGammaXY = lnLowerGamma(x, y);
  // 1/A rather than A: A grows like e^y when the agents are overloaded, 1/A only shrinks to 0.
  const inverseA = Math.exp(-(Math.log(x) + y - x * Math.log(y) + lnGammaXY));
  const blocking = erlangB(agents, traffic);
  const waitProbability = clampShare(blocking / (inverseA + blocking * (1 - inverseA)));
  const abandonGivenWait = clampShare(1 - (1 - inverseA) / load);
  const servedGivenWait = (1 - inverseA) / load;
  const notYetWithin = Math.exp(
    lnLowerGamma(x + 1, y * Math.exp(-targetSeconds / patienceSeconds)) - Math.log(y) - lnGammaXY,
  );
  const abandonment = waitProbability * abandonGivenWait;
  return {
    waitProbability,
    serviceLevel: clampShare(1 - waitProbability + waitProbability * (servedGivenWait - notYetWithin)),
    abandonment,
    averageWaitSeconds: abandonment * patienceSeconds,
  };
}

function clampShare(value: number): number {
  return Math.min(1, Math.max(0, value));
}
