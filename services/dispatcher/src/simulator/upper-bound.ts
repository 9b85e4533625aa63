import { nextRetry, type RetryPolicy } from '../retry-policy.ts';
import { AGENT_ACCEPT_MS, type PlanContext, planAttempt, planContextOf } from './call-plan.ts';
import { emptyBreachReasons, speedPercentiles } from './figures.ts';
import { generateTraffic } from './traffic.ts';
import type { SimFigures, SimulationInput } from './types.ts';
import { campaignClock, type WindowClock } from './window-clock.ts';

/** One lead at its best: dialed the instant it can be, every time. */
interface BestCase {
  /** The earliest the person can be on the line; Infinity when no dial answers by the due time. */
  readonly contactAt: number;
  /** The earliest first dial; Infinity when the window never opens. */
  readonly firstDialAt: number;
  /** Agent ms this lead needs inside [first arrival, last due] to be met (see upperBound). */
  readonly cost: number;
  readonly blocked: boolean;
}

/**
 * The retry policy at its quickest: each short delay no longer than the first cadence step. After its
 * k-th dial a lead met by its due time has had all k dials before the due time, so the retry rule
 * waits either the k-th short delay (when it still ends before the due time) or, failing that, the
 * first cadence step (or, past the short delays, the same cadence step whatever the times). Which of
 * the two depends on when the dial ended, so a policy that dials later may get the shorter one: with
 * short delays [200] and cadence [10], a lead dialed late is retried ten seconds after, where one
 * dialed at once waits 200. The smaller of the two is what any dial time could get. When the short
 * delays are the shorter (the default [60, 120] against [900, ...]) the policy is unchanged, and so is
 * the bound: a short delay that does not fit means a cadence retry past the due time either way.
 */
export function quickestRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const firstCadence = policy.cadenceSeconds[0] ?? Number.POSITIVE_INFINITY;
  return {
    ...policy,
    shortDelaysSeconds: policy.shortDelaysSeconds.map((delay) => Math.min(delay, firstCadence)),
  };
}

/**
 * The lead's dials made with no wait at all: each one at the moment the lead can be queued (arrival
 * or retry time, moved into the calling window). Outcomes, rings and handle times are the lead's
 * keyed draws, the very ones a policy meets, and each retry waits the least any dial time could get
 * (quickestRetryPolicy). A policy can only dial later; with the least delay each time, a later dial
 * makes the retry come no sooner (the daily cap and the calling window only push it further), so no
 * policy contacts the lead sooner than this.
 */
function bestCase(
  input: SimulationInput,
  context: PlanContext,
  clock: WindowClock,
  lead: number,
  arrivedAt: number,
  dueAt: number,
  horizon: number,
  retryPolicy: RetryPolicy,
): BestCase {
  const firstOffer = clock.nextOpening(arrivedAt);
  const blocked = firstOffer === null || firstOffer > arrivedAt;
  if (firstOffer === null) return { contactAt: Infinity, firstDialAt: Infinity, cost: 0, blocked };
  const dials: number[] = [];
  let offerAt: number | null = firstOffer;
  let cost = 0;
  while (offerAt !== null && offerAt <= dueAt) {
    const plan = planAttempt(context, lead, dials.length, offerAt);
    if (!Number.isNaN(plan.contactAt)) {
      if (plan.contactAt > dueAt) break;
      const talk = plan.endAt - plan.contactAt;
      cost += plan.contactAt - offerAt + Math.min(talk, Math.max(horizon - dueAt, 0));
      return { contactAt: plan.contactAt, firstDialAt: firstOffer + dialDelay(input), cost, blocked };
    }
    cost += plan.endAt - offerAt;
    dials.push(plan.dialAt);
    if (input.mode === 'erlang') break;
    const decision = nextRetry({
      policy: retryPolicy,
      dials,
      dueAt,
      now: plan.endAt,
      calendar: { windows: [] },
      zone: input.campaign.timeZone,
    });
    offerAt = 'retryAt' in decision ? clock.nextOpening(decision.retryAt) : null;
  }
  return { contactAt: Infinity, firstDialAt: firstOffer + dialDelay(input), cost, blocked };
}

const dialDelay = (input: SimulationInput): number => (input.mode === 'erlang' ? 0 : AGENT_ACCEPT_MS);

/**
 * Agent ms available in [from, to]: the shifts, plus one longest call per shift ending inside (an
 * agent busy at the end of its shift finishes the call first).
 */
function capacityMs(input: SimulationInput, from: number, to: number, longestCallMs: number): number {
  let total = 0;
  for (const agent of input.agents)
    for (const shift of agent.shifts) {
      total += Math.max(0, Math.min(shift.to, to) - Math.max(shift.from, from));
      if (shift.to >= from && shift.to <= to) total += longestCallMs;
    }
  return total;
}

/**
 * A figure no policy can beat on this traffic, with the same seed, whatever the campaign's retry
 * policy. Two limits, both true of every run. Per lead: it is met only if its best case (above, every
 * dial at once and every retry after the least delay any dial time could get) contacts it by the due
 * time. Together: each
 * lead met took its dials up to the answer, all of them inside [first arrival, last due], and at least
 * min(handle, last due - its due) of the talk after the answer; the same draws whichever policy, so
 * this agent time is fixed per lead, and the leads met must fit in the agent time of that span. At
 * most as many leads are met as the cheapest ones that fit; the value met is bounded the same way,
 * taking leads by value per agent second (a fractional knapsack, which no whole choice beats).
 * Warm-up leads are left out (they only use agent time). firstDialWithinSla and speed to lead are
 * the no-wait figures, without the agent-time limit.
 */
export function upperBound(input: SimulationInput): SimFigures {
  const traffic = generateTraffic(input);
  const { campaign } = input;
  const context = planContextOf(input);
  const end = input.start + input.durationMs;
  const clock = campaignClock(campaign, input.start, end + campaign.slaSeconds * 1_000 + 3_600_000);
  const countFrom = input.start + Math.max(input.warmupMs ?? 0, 0);
  const counted: number[] = [];
  traffic.arrivedAt.forEach((at, lead) => {
    if (at >= countFrom) counted.push(lead);
  });
  const dues = counted.map(
    (lead) =>
      clock.dueAt(traffic.arrivedAt[lead] as number, campaign.slaClock, campaign.slaSeconds) ?? Infinity,
  );
  const horizon = dues.reduce((last, due) => (Number.isFinite(due) && due > last ? due : last), end);
  const retryPolicy = quickestRetryPolicy(campaign.retryPolicy);
  const cases = counted.map((lead, n) =>
    bestCase(
      input,
      context,
      clock,
      lead,
      traffic.arrivedAt[lead] as number,
      dues[n] as number,
      horizon,
      retryPolicy,
    ),
  );
  const reachable = counted
    .map((_, n) => n)
    .filter((n) => (cases[n] as BestCase).contactAt <= (dues[n] as number));
  const longest = Math.max(0, ...cases.map((c) => c.cost));
  const firstArrival = counted.length > 0 ? (traffic.arrivedAt[counted[0] as number] as number) : input.start;
  const capacity = capacityMs(input, firstArrival, horizon, longest);
  const met = cheapestThatFit(
    reachable.map((n) => (cases[n] as BestCase).cost),
    capacity,
  );
  const breachReasons = emptyBreachReasons();
  counted.forEach((_, n) => {
    const best = cases[n] as BestCase;
    if (best.contactAt <= (dues[n] as number)) return;
    if (best.firstDialAt > (dues[n] as number))
      breachReasons[best.blocked ? 'outside_window' : 'no_agent_available'] += 1;
    else breachReasons.no_answer_all_attempts += 1;
  });
  breachReasons.no_agent_available += reachable.length - met;
  const scores = counted.map((lead) => traffic.score[lead] as number);
  const totalValue = scores.reduce((sum, score) => sum + score, 0);
  const speeds = Float64Array.from(
    counted,
    (lead, n) => ((cases[n] as BestCase).firstDialAt - (traffic.arrivedAt[lead] as number)) / 1_000,
  ).sort();
  const leads = counted.length;
  return {
    leads,
    met,
    attainment: leads > 0 ? met / leads : null,
    firstDialWithinSla:
      leads > 0 ? cases.filter((c, n) => c.firstDialAt <= (dues[n] as number)).length / leads : null,
    speedToLead: speedPercentiles(speeds),
    occupancy: null,
    valueMet:
      totalValue > 0
        ? valueThatFits(
            reachable.map((n) => ({ value: scores[n] as number, cost: (cases[n] as BestCase).cost })),
            capacity,
          ) / totalValue
        : null,
    breachReasons,
  };
}

/** How many of these costs fit in the capacity, cheapest first. */
function cheapestThatFit(costs: number[], capacity: number): number {
  costs.sort((a, b) => a - b);
  let used = 0;
  let count = 0;
  for (const cost of costs) {
    if (used + cost > capacity) break;
    used += cost;
    count += 1;
  }
  return count;
}

/** The fractional knapsack: the most value that fits, best value per ms first, the last one in part. */
function valueThatFits(items: { value: number; cost: number }[], capacity: number): number {
  items.sort((a, b) => b.value / Math.max(b.cost, 1e-9) - a.value / Math.max(a.cost, 1e-9));
  let left = capacity;
  let value = 0;
  for (const item of items) {
    if (item.cost <= left) {
      left -= item.cost;
      value += item.value;
    } else {
      value += item.cost > 0 ? (item.value * left) / item.cost : item.value;
      break;
    }
  }
  return value;
}
