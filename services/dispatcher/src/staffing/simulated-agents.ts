import type { DispatchPolicy } from '../policy/index.ts';
import {
  type HandleTime,
  type SimAgent,
  type SimCampaign,
  type SimulationInput,
  simulate,
} from '../simulator/index.ts';

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

/**
 * The simulated attainment of one staff size, for the hour's rate: every size runs the same seed,
 * traffic and campaign (made once here), only the team differs.
 */
function attainmentOfStaff(input: SimulatedAgentsInput): (agents: number) => number {
  const group = input.campaign.agentGroups[0] ?? 'agents';
  const counted = Math.max(HOUR_MS, (RUN_LEADS / input.arrivalsPerHour) * HOUR_MS);
  const base: Omit<SimulationInput, 'agents'> = {
    seed: input.seed,
    policy: input.policy,
    start: RUN_START,
    durationMs: WARMUP_MS + counted,
    warmupMs: WARMUP_MS,
    campaign: { ...input.campaign, agentGroups: [group], callingWindows: [], holidays: [] },
    arrivals: { kind: 'poisson', perHour: [input.arrivalsPerHour] },
    handle: input.handle,
    mode: 'profile',
  };
  // On shift from the start until well after the last due time: nobody leaves mid-run.
  const onShift = [{ from: RUN_START, to: RUN_START + base.durationMs + 2 * 86_400_000 }];
  const memo = new Map<number, number>();
  return (agents) => {
    let attainment = memo.get(agents);
    if (attainment === undefined) {
      const team: SimAgent[] = [];
      for (let n = 0; n < agents; n += 1) team.push({ id: `agent-${n}`, groups: [group], shifts: onShift });
      attainment = simulate({ ...base, agents: team }).total.attainment ?? 0;
      memo.set(agents, attainment);
    }
    return attainment;
  };
}

/**
 * The fewest agents (at least 1) whose simulated hour meets the target attainment, searched one
 * agent at a time from Erlang's answer: down while the target is still met, else up until it is, at
 * most MAX_EXTRA_AGENTS above. Every count runs the same seed (the same leads and draws), so the
 * attainment rises with the agents and two or three runs settle most hours.
 */
export function simulatedAgentsNeeded(input: SimulatedAgentsInput): { agents: number; attainment: number } {
  const attainment = attainmentOfStaff(input);
  const meets = (agents: number) => attainment(agents) >= input.target;
  let agents = Math.max(1, Math.round(input.hint));
  if (meets(agents)) {
    while (agents > 1 && meets(agents - 1)) agents -= 1;
  } else {
    const most = agents + MAX_EXTRA_AGENTS;
    while (agents < most && !meets(agents)) agents += 1;
  }
  return { agents, attainment: attainment(agents) };
}
