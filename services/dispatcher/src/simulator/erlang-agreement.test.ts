import { serviceLevelC } from '@pronto/staffing';
import { describe, expect, it } from 'vitest';
import { fifoPolicy } from '../policy/index.ts';
import { campaignFixture, HOUR, MONDAY, team } from './sim-fixtures.ts';
import { simulate } from './simulate.ts';

describe('the simulator in the regime where Erlang C holds', () => {
  // 20 agents, a = 17 Erlangs: 340 leads an hour with a 180 s exponential handle time, FIFO, every
  // call answered at once, no retries. About 50,000 leads after an hour of warm-up.
  const agents = 20;
  const handleSeconds = 180;
  const arrivalsPerSecond = 17 / handleSeconds;
  const hours = Math.ceil(50_000 / (arrivalsPerSecond * 3_600)) + 1;
  const result = simulate({
    seed: 18,
    policy: fifoPolicy,
    start: MONDAY,
    durationMs: hours * HOUR,
    warmupMs: HOUR,
    campaign: campaignFixture({ slaSeconds: 60 }),
    agents: team(agents, MONDAY, MONDAY + (hours + 48) * HOUR),
    arrivals: { kind: 'poisson', perHour: [arrivalsPerSecond * 3_600] },
    handle: { kind: 'exponential', meanSeconds: handleSeconds },
    mode: 'erlang',
  });
  const waits = result.waitsSeconds ?? new Float64Array(0);

  it.each([0, 10, 30, 60, 120])(
    'answers within %i s as often as serviceLevelC says, within 2 points',
    (t) => {
      const simulated = waits.filter((wait) => wait <= t).length / waits.length;
      const erlang = serviceLevelC({ agents, arrivalsPerSecond, handleSeconds }, t);
      expect(waits.length).toBeGreaterThan(49_000);
      expect(Math.abs(simulated - erlang)).toBeLessThan(0.02);
    },
  );

  it('reports that service level as the share first dialed within the SLA', () => {
    const erlang = serviceLevelC({ agents, arrivalsPerSecond, handleSeconds }, 60);
    expect(Math.abs((result.total.firstDialWithinSla ?? 0) - erlang)).toBeLessThan(0.02);
    expect(result.total.attainment).toBe(result.total.firstDialWithinSla);
    expect(Math.abs((result.total.occupancy ?? 0) - 17 / agents)).toBeLessThan(0.02);
  });
});
