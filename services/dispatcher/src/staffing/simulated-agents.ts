import type { DispatchPolicy } from '../policy/index.ts';
import { type HandleTime, type SimAgent, type SimCampaign, simulate } from '../simulator/index.ts';

/** Any fixed instant: an always-open campaign's stationary hour does not depend on the date. */
const RUN_START = Date.UTC(2026, 0, 5);
/** Discarded: the run starts with every agent idle, which flatters the first leads. */
const WARMUP_MS = 30 * 60_000;
const HOUR_MS = 3_600_000;
/**
 * Leads counted in one run. Fewer than the simulator's own search uses (agentsNeededBySimulation),
 * so a whole day of hours is answered within a page load: about 1.9 percentage points of standard
 * error on the attainment, and common random numbers keep the comparison between staff sizes fair.
 */
export const RUN_LEADS = 600;
/** The search stops this many agents above Erlang's answer: more cannot help a target the answer rate caps. */
export const MAX_EXTRA_AGENTS = 12;

export interface SimulatedAgentsInput {
  seed: number;
  policy: DispatchPolicy;
  campaign: SimCampaign;
  handle: HandleTime;
  arrivalsPerHour: number;
  target: number;
  /** Erlang's answer: the search starts there, as the simulated answer is rarely far from it. */
  hint: number;
}

/** Attainment with `agents` agents of the campaign's first group on shift, at a constant rate. */
function attainmentWith(input: SimulatedAgentsInput, agents: number): number {
  const durationMs = WARMUP_MS + Math.max(HOUR_MS, (RUN_LEADS / input.arrivalsPerHour) * HOUR_MS);
  const group = input.campaign.agentGroups[0] ?? 'agents';
  const shift = { from: RUN_START, to: RUN_START + durationMs + 2 * 86_400_000 };
  const team: SimAgent[] = Array.from({ length: agents }, (_, n) => ({
    id: `a${n}`,
    groups: [group],
    shifts: [shift],
  }));
  const result = simulate({
    seed: input.seed,
    policy: input.policy,
    start: RUN_START,
    durationMs,
    warmupMs: WARMUP_MS,
    campaign: { ...input.campaign, agentGroups: [group], callingWindows: [], holidays: [] },
    agents: team,
    arrivals: { kind: 'poisson', perHour: [input.arrivalsPerHour] },
    handle: input.handle,
    mode: 'profile',
  });
  return result.total.attainment ?? 0;
}

/**
 * The fewest agents (at least 1) whose simulated hour meets the target attainment, searched one
 * agent at a time from Erlang's answer: down while the target is still met, else up until it is, at
 * most MAX_EXTRA_AGENTS above. Every count runs the same seed (the same leads and draws), so the
 * attainment rises with the agents and two or three runs settle most hours.
 */
export function simulatedAgentsNeeded(input: SimulatedAgentsInput): { agents: number; attainment: number } {
  const memo = new Map<number, number>();
  const attainment = (agents: number) => {
    let value = memo.get(agents);
    if (value === undefined) {
      value = attainmentWith(input, agents);
      memo.set(agents, value);
    }
    return value;
  };
  let agents = Math.max(1, Math.round(input.hint));
  if (attainment(agents) >= input.target) {
    while (agents > 1 && attainment(agents - 1) >= input.target) agents -= 1;
    return { agents, attainment: attainment(agents) };
  }
  const most = agents + MAX_EXTRA_AGENTS;
  while (agents < most && attainment(agents) < input.target) agents += 1;
  return { agents, attainment: attainment(agents) };
}
