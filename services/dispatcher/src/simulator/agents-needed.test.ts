import { agentsNeeded } from '@pronto/staffing';
import { describe, expect, it } from 'vitest';
import { fifoPolicy } from '../policy/index.ts';
import { agentsNeededBySimulation } from './agents-needed.ts';
import { campaignFixture } from './sim-fixtures.ts';

describe('agentsNeededBySimulation', () => {
  const campaign = campaignFixture({ slaSeconds: 60 });
  const handle = { kind: 'exponential', meanSeconds: 180 } as const;
  const base = {
    seed: 5,
    policy: fifoPolicy,
    campaign,
    handle,
    mode: 'erlang',
    arrivalsPerHour: 300,
    target: 0.8,
  } as const;
  const erlang = agentsNeeded({
    arrivalsPerSecond: 300 / 3_600,
    handleSeconds: 180,
    targetSeconds: 60,
    target: 0.8,
  });

  it("lands next to Erlang C's answer in Erlang's regime, from a hint above or below", () => {
    const fromBelow = agentsNeededBySimulation({ ...base, hint: erlang.agents - 5 });
    const fromAbove = agentsNeededBySimulation({ ...base, hint: erlang.agents + 5 });
    expect(fromBelow).toEqual(fromAbove);
    expect(Math.abs(fromBelow.agents - erlang.agents)).toBeLessThanOrEqual(1);
    expect(fromBelow.attainment).toBeGreaterThanOrEqual(0.8);
  });

  it('with one agent fewer the target is missed', () => {
    const needed = agentsNeededBySimulation({ ...base, hint: erlang.agents });
    const fewer = agentsNeededBySimulation({
      ...base,
      hint: needed.agents - 1,
      maxAgents: needed.agents - 1,
    });
    expect(fewer.attainment).toBeLessThan(0.8);
  });

  it('gives up at maxAgents when the answer rate caps attainment below the target', () => {
    const answer = agentsNeededBySimulation({
      ...base,
      mode: 'profile',
      target: 0.95,
      hint: 20,
      maxAgents: 40,
    });
    expect(answer.agents).toBe(40);
    expect(answer.attainment).toBeLessThan(0.95);
  });

  it('needs nobody when no lead arrives', () => {
    expect(agentsNeededBySimulation({ ...base, arrivalsPerHour: 0, hint: 3 }).agents).toBe(0);
  });
});
