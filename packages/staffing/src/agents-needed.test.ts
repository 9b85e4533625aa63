import { describe, expect, it } from 'vitest';
import { type AgentsNeededInput, agentsNeeded, erlangA, serviceLevelC } from './index.ts';

function serviceLevelWith(input: AgentsNeededInput, agents: number): number {
  const queue = { agents, arrivalsPerSecond: input.arrivalsPerSecond, handleSeconds: input.handleSeconds };
  if ((input.model ?? 'erlang-c') === 'erlang-c') return serviceLevelC(queue, input.targetSeconds);
  return erlangA({ ...queue, patienceSeconds: input.patienceSeconds ?? 0 }, input.targetSeconds).serviceLevel;
}

describe('agentsNeeded', () => {
  const cases: AgentsNeededInput[] = [
    { arrivalsPerSecond: 100 / 3600, handleSeconds: 180, targetSeconds: 20, target: 0.8 },
    { arrivalsPerSecond: 360 / 1800, handleSeconds: 240, targetSeconds: 15, target: 0.8 },
    { arrivalsPerSecond: 300 / 180, handleSeconds: 180, targetSeconds: 20, target: 0.9 },
    { arrivalsPerSecond: 2, handleSeconds: 200, targetSeconds: 285, target: 0.95 },
    { arrivalsPerSecond: 5, handleSeconds: 212.5, targetSeconds: 30, target: 0.99 },
    {
      arrivalsPerSecond: 2,
      handleSeconds: 180,
      targetSeconds: 20,
      target: 0.8,
      model: 'erlang-a',
      patienceSeconds: 120,
    },
    {
      arrivalsPerSecond: 0.05,
      handleSeconds: 300,
      targetSeconds: 60,
      target: 0.9,
      model: 'erlang-a',
      patienceSeconds: 600,
    },
  ];

  for (const input of cases) {
    const label = `${input.model ?? 'erlang-c'}: ${(input.arrivalsPerSecond * 3600).toFixed(0)}/h × ${input.handleSeconds} s, ${input.target} within ${input.targetSeconds} s`;
    it(`${label}: the answer meets the target and one agent fewer does not`, () => {
      const { agents, serviceLevel } = agentsNeeded(input);
      expect(serviceLevel).toBeGreaterThanOrEqual(input.target);
      expect(serviceLevelWith(input, agents)).toBe(serviceLevel);
      expect(serviceLevelWith(input, agents - 1)).toBeLessThan(input.target);
    });
  }

  it('reaches past 300 agents for 300 Erlangs', () => {
    const { agents } = agentsNeeded({
      arrivalsPerSecond: 300 / 180,
      handleSeconds: 180,
      targetSeconds: 20,
      target: 0.9,
    });
    expect(agents).toBeGreaterThan(300);
  });

  it('asks fewer agents under Erlang A, whose callers leave and lighten the queue, than under Erlang C', () => {
    const base = { arrivalsPerSecond: 2, handleSeconds: 180, targetSeconds: 20, target: 0.8 };
    const c = agentsNeeded(base).agents;
    const a = agentsNeeded({ ...base, model: 'erlang-a', patienceSeconds: 120 }).agents;
    expect(a).toBeLessThan(c);
    expect(agentsNeeded({ ...base, model: 'erlang-a', patienceSeconds: 1e7 }).agents).toBe(c);
  });

  it('never asks fewer agents for more traffic or a stricter target', () => {
    let previous = 0;
    for (let perHour = 0; perHour <= 3000; perHour += 50) {
      const { agents } = agentsNeeded({
        arrivalsPerSecond: perHour / 3600,
        handleSeconds: 200,
        targetSeconds: 20,
        target: 0.8,
      });
      expect(agents).toBeGreaterThanOrEqual(previous);
      previous = agents;
    }
    const lax = agentsNeeded({
      arrivalsPerSecond: 1,
      handleSeconds: 200,
      targetSeconds: 20,
      target: 0.8,
    }).agents;
    const strict = agentsNeeded({
      arrivalsPerSecond: 1,
      handleSeconds: 200,
      targetSeconds: 20,
      target: 0.95,
    }).agents;
    expect(strict).toBeGreaterThan(lax);
  });

  it('keeps occupancy under the cap when one is given', () => {
    const input = { arrivalsPerSecond: 300 / 180, handleSeconds: 180, targetSeconds: 300, target: 0.5 };
    const free = agentsNeeded(input).agents;
    const capped = agentsNeeded({ ...input, maxOccupancy: 0.85 }).agents;
    expect(300 / free).toBeGreaterThan(0.85);
    expect(300 / capped).toBeLessThanOrEqual(0.85);
    expect(300 / (capped - 1)).toBeGreaterThan(0.85);
  });

  it('needs nobody when nothing arrives', () => {
    expect(
      agentsNeeded({ arrivalsPerSecond: 0, handleSeconds: 180, targetSeconds: 20, target: 0.9 }),
    ).toEqual({
      agents: 0,
      serviceLevel: 1,
    });
  });

  it('throws a RangeError naming the field', () => {
    const good: AgentsNeededInput = {
      arrivalsPerSecond: 1,
      handleSeconds: 180,
      targetSeconds: 20,
      target: 0.9,
    };
    expect(() => agentsNeeded({ ...good, arrivalsPerSecond: -1 })).toThrow(/^arrivalsPerSecond/);
    expect(() => agentsNeeded({ ...good, arrivalsPerSecond: Number.NaN })).toThrow(/^arrivalsPerSecond/);
    expect(() => agentsNeeded({ ...good, handleSeconds: 0 })).toThrow(/^handleSeconds/);
    expect(() => agentsNeeded({ ...good, targetSeconds: -1 })).toThrow(/^targetSeconds/);
    for (const target of [0, 1, 1.5, -0.1, Number.NaN]) {
      expect(() => agentsNeeded({ ...good, target })).toThrow(/^target /);
    }
    expect(() => agentsNeeded({ ...good, model: 'erlang-a' })).toThrow(/^patienceSeconds/);
    expect(() => agentsNeeded({ ...good, maxOccupancy: 0 })).toThrow(/^maxOccupancy/);
    expect(() => agentsNeeded({ ...good, maxOccupancy: 1.2 })).toThrow(/^maxOccupancy/);
  });
});
