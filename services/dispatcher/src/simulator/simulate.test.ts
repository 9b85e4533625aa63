import { DEFAULT_DIALER_PROFILE } from '@pronto/contracts';
import { describe, expect, it } from 'vitest';
import { type DispatchPolicy, defaultPolicy, fifoPolicy } from '../policy/index.ts';
import { campaignFixture, HOUR, MONDAY, spyOn, team } from './sim-fixtures.ts';
import { simulate } from './simulate.ts';
import type { SimulationInput } from './types.ts';

/** Two hours of traffic at 120 % of what 20 agents can take (about 410 leads an hour). */
function overloaded(policy: DispatchPolicy, seed = 7): SimulationInput {
  return {
    seed,
    policy,
    start: MONDAY,
    durationMs: 2 * HOUR,
    campaign: campaignFixture(),
    agents: team(20, MONDAY, MONDAY + 4 * HOUR),
    arrivals: { kind: 'poisson', perHour: [410] },
    handle: { kind: 'lognormal', meanSeconds: 180, sdSeconds: 90 },
    mode: 'profile',
  };
}

/** Newest lead first: the opposite of FIFO, to show the simulator follows whatever it is given. */
const newestFirst: DispatchPolicy = ({ queue, agents }) => {
  const leads = [...queue].sort((a, b) => b.queuedAt - a.queuedAt || (a.id < b.id ? -1 : 1));
  return agents.slice(0, leads.length).map((agent, n) => {
    const lead = leads[n] as (typeof leads)[number];
    return { leadId: lead.id, agentId: agent.id, group: 'sales', overflow: false, slackMs: 0 };
  });
};

describe('simulate', () => {
  it('asks the policy it is given, with the queue and free agents the dispatcher would pass', () => {
    const spy = spyOn(defaultPolicy);
    const spied = simulate(overloaded(spy));
    expect(spied).toEqual(simulate(overloaded(defaultPolicy)));
    expect(spy.rounds.length).toBeGreaterThan(500);
    const round = spy.rounds[spy.rounds.length >> 1];
    expect(round?.campaigns.get('cash-loan')).toEqual({
      id: 'cash-loan',
      agentGroups: ['sales'],
      overflowThresholdMs: 120_000,
    });
    expect(round?.queue[0]).toMatchObject({
      campaignId: 'cash-loan',
      score: expect.any(Number),
      dueAt: expect.any(Number),
    });
    expect(round?.agents[0]).toMatchObject({ groups: ['sales'], availableSince: expect.any(Number) });
  });

  it('follows a swapped policy: FIFO, earliest due and newest first give different results on the same traffic', () => {
    const edf = simulate(overloaded(defaultPolicy)).total;
    const fifo = simulate(overloaded(fifoPolicy)).total;
    const newest = simulate(overloaded(newestFirst)).total;
    expect(edf.leads).toBe(fifo.leads);
    // Overloaded, FIFO works through a backlog of leads already breached; earliest due skips them.
    expect(edf.attainment ?? 0).toBeGreaterThan((fifo.attainment ?? 0) + 0.2);
    // Newest first reaches most leads at once and leaves a few waiting for ever.
    expect(newest.speedToLead.p50 ?? Infinity).toBeLessThan(fifo.speedToLead.p50 ?? 0);
    expect(newest).not.toEqual(edf);
  });

  it('gives the same figures for the same seed, and others for another seed', () => {
    const first = simulate(overloaded(defaultPolicy, 1));
    expect(simulate(overloaded(defaultPolicy, 1))).toEqual(first);
    expect(simulate(overloaded(defaultPolicy, 2)).total).not.toEqual(first.total);
  });

  it('retries a lead nobody answers as the retry policy says, then gives up', () => {
    const spy = spyOn(defaultPolicy);
    const result = simulate({
      ...overloaded(spy),
      durationMs: HOUR,
      arrivals: { kind: 'poisson', perHour: [60] },
      agents: team(20, MONDAY, MONDAY + 6 * HOUR),
      campaign: campaignFixture({
        dialerProfile: {
          ...DEFAULT_DIALER_PROFILE,
          rates: { answered: 0, no_answer: 0.5, busy: 0.2, voicemail: 0.2, failed: 0.1 },
        },
        retryPolicy: {
          shortDelaysSeconds: [30, 30],
          cadenceSeconds: [120],
          maxAttempts: 5,
          maxAttemptsPer24h: 10,
        },
      }),
    });
    const dials = new Map<string, number>();
    for (const { leadId } of spy.assignments) dials.set(leadId, (dials.get(leadId) ?? 0) + 1);
    expect(result.total.leads).toBeGreaterThan(40);
    expect(new Set(dials.values())).toEqual(new Set([5]));
    expect(result.total.attainment).toBe(0);
    expect(result.total.firstDialWithinSla).toBe(1);
    const { no_answer_all_attempts, dialer_error } = result.total.breachReasons;
    expect(no_answer_all_attempts + dialer_error).toBe(result.total.leads);
  });

  it('holds a lead that arrives while the calling window is closed until it opens', () => {
    // Warsaw is UTC+1 in December: the window opens at 08:00 UTC. One lead at 07:00 UTC, one at 09:00 UTC.
    const windows = [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }];
    const input = (slaClock: 'calendar' | 'business_hours', policy: DispatchPolicy): SimulationInput => ({
      ...overloaded(policy),
      durationMs: 12 * HOUR,
      campaign: campaignFixture({
        callingWindows: windows,
        slaClock,
        dialerProfile: {
          ...DEFAULT_DIALER_PROFILE,
          rates: { answered: 1, no_answer: 0, busy: 0, voicemail: 0, failed: 0 },
        },
      }),
      agents: team(2, MONDAY, MONDAY + 24 * HOUR),
      arrivals: {
        kind: 'replay',
        leads: [{ arrivedAt: MONDAY + 7 * HOUR, score: 50 }, { arrivedAt: MONDAY + 9 * HOUR }],
      },
    });
    const spy = spyOn(defaultPolicy);
    const calendar = simulate(input('calendar', spy));
    expect(spy.assignments.length).toBe(2);
    expect(spy.rounds[0]?.now).toBe(MONDAY + 8 * HOUR);
    expect(calendar.total.met).toBe(1);
    expect(calendar.total.breachReasons.outside_window).toBe(1);
    expect(calendar.hours[7]?.breachReasons.outside_window).toBe(1);
    expect(calendar.hours[9]?.attainment).toBe(1);
    // On the business-hours clock the SLA starts at the opening: both leads are met.
    expect(simulate(input('business_hours', defaultPolicy)).total.attainment).toBe(1);
  });

  it('reports per arrival hour and in total, occupancy against the agents signed in', () => {
    const result = simulate({
      ...overloaded(defaultPolicy),
      arrivals: { kind: 'poisson', perHour: [100, 400] },
    });
    expect(result.hours.map((hour) => hour.hour)).toEqual([0, 1]);
    expect(result.hours[0]?.leads).toBeLessThan(result.hours[1]?.leads ?? 0);
    expect((result.hours[0]?.leads ?? 0) + (result.hours[1]?.leads ?? 0)).toBe(result.total.leads);
    expect(result.hours[0]?.occupancy ?? 1).toBeLessThan(result.hours[1]?.occupancy ?? 0);
    expect(result.total.valueMet).toBeGreaterThan(0);
  });
});
