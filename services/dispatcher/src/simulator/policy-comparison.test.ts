import { describe, expect, it } from 'vitest';
import { meanAgentMsPerLead } from './call-plan.ts';
import { POLICIES, type PolicyName } from './policies.ts';
import { campaignFixture, HOUR, MONDAY, team } from './sim-fixtures.ts';
import { simulate } from './simulate.ts';
import type { SimulationInput } from './types.ts';
import { upperBound } from './upper-bound.ts';

const AGENTS = 30;
const campaign = campaignFixture();
const handle = { kind: 'lognormal', meanSeconds: 180, sdSeconds: 90 } as const;
const perLeadMs = meanAgentMsPerLead(
  { mode: 'profile', profile: campaign.dialerProfile, handle },
  campaign.retryPolicy,
);

/** Four hours at `load` times what 30 agents can take, after half an hour of warm-up. */
function traffic(load: number): Omit<SimulationInput, 'policy'> {
  return {
    seed: 3,
    start: MONDAY,
    durationMs: 4.5 * HOUR,
    warmupMs: HOUR / 2,
    campaign,
    agents: team(AGENTS, MONDAY, MONDAY + 6 * HOUR),
    arrivals: { kind: 'poisson', perHour: [(load * AGENTS * HOUR) / perLeadMs] },
    handle,
    mode: 'profile',
  };
}

const pct = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);

describe('the policies compared on the same traffic', () => {
  it.each([0.8, 1.0, 1.2])('at %f of capacity, none beats the upper bound', (load) => {
    const input = traffic(load);
    const bound = upperBound({ ...input, policy: POLICIES.edf });
    const lines = [`load ${load}: upper bound ${pct(bound.attainment)} (value ${pct(bound.valueMet)})`];
    for (const name of Object.keys(POLICIES) as PolicyName[]) {
      const { total } = simulate({ ...input, policy: POLICIES[name] });
      lines.push(
        `  ${name.padEnd(5)} attainment ${pct(total.attainment)} value met ${pct(total.valueMet)} occupancy ${pct(total.occupancy)}`,
      );
      expect(total.leads).toBe(bound.leads);
      expect(total.attainment ?? 0).toBeLessThanOrEqual(bound.attainment ?? 0);
      expect(total.valueMet ?? 0).toBeLessThanOrEqual(bound.valueMet ?? 0);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });

  it('binds when agents are the limit: in Erlang mode with too few agents, the bound is the capacity', () => {
    // A fixed handle time: with a spread one, the bound may count the shortest calls first.
    const input: SimulationInput = {
      ...traffic(1),
      mode: 'erlang',
      handle: { kind: 'fixed', seconds: 180 },
      agents: team(5, MONDAY, MONDAY + 6 * HOUR),
      arrivals: { kind: 'poisson', perHour: [200] },
      policy: POLICIES.edf,
    };
    const bound = upperBound(input);
    const edf = simulate(input).total;
    // 5 agents, 180 s a lead: about 100 leads an hour of 200 can be served.
    expect(bound.attainment ?? 1).toBeLessThan(0.6);
    expect(edf.attainment ?? 1).toBeLessThanOrEqual(bound.attainment ?? 0);
  });
});
