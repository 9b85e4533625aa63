import { DEFAULT_DIALER_PROFILE, DEFAULT_RETRY_POLICY } from '@pronto/contracts';
import { describe, expect, it } from 'vitest';
import { type DispatchPolicy, defaultPolicy } from '../policy/index.ts';
import { campaignFixture, HOUR, MONDAY, team } from './sim-fixtures.ts';
import { simulate } from './simulate.ts';
import type { SimulationInput } from './types.ts';
import { quickestRetryPolicy, upperBound } from './upper-bound.ts';

/**
 * The default policy, offered a lead only 70 s after it was first queued: every first dial comes
 * late, so the short delay of 200 s no longer fits before the due time and the 10 s cadence follows.
 */
function waitsSeventySeconds(): DispatchPolicy {
  const firstQueuedAt = new Map<string, number>();
  return (input) => {
    for (const lead of input.queue)
      if (!firstQueuedAt.has(lead.id)) firstQueuedAt.set(lead.id, lead.queuedAt);
    const waited = input.queue.filter(
      (lead) => input.now - (firstQueuedAt.get(lead.id) ?? input.now) >= 70_000,
    );
    return defaultPolicy({ ...input, queue: waited });
  };
}

/**
 * Agents of another group signing in every 5 s: each sign-in is a decision round, so a policy that
 * holds a lead back is asked again soon after, as the dispatcher asks every round.
 */
const ticks = Array.from({ length: 800 }, (_, n) => ({
  id: `tick-${n}`,
  groups: ['other'],
  shifts: [{ from: MONDAY + n * 5_000, to: MONDAY + 3 * HOUR }],
}));

/** An hour of traffic, 40 % answered, with a retry policy whose cadence is quicker than its short delay. */
function invertedRetries(policy: DispatchPolicy, seed: number): SimulationInput {
  return {
    seed,
    policy,
    start: MONDAY,
    durationMs: HOUR,
    campaign: campaignFixture({
      slaSeconds: 300,
      dialerProfile: {
        ...DEFAULT_DIALER_PROFILE,
        rates: { answered: 0.4, no_answer: 0.4, busy: 0.1, voicemail: 0.1, failed: 0 },
      },
      retryPolicy: { shortDelaysSeconds: [200], cadenceSeconds: [10], maxAttempts: 6, maxAttemptsPer24h: 10 },
    }),
    agents: [...team(20, MONDAY, MONDAY + 3 * HOUR), ...ticks],
    arrivals: { kind: 'poisson', perHour: [60] },
    handle: { kind: 'fixed', seconds: 120 },
    mode: 'profile',
  };
}

describe('the upper bound', () => {
  it('counts the quicker retries a late first dial gets: dialing at once is not the best case there', () => {
    const late = simulate(invertedRetries(waitsSeventySeconds(), 2)).total;
    const atOnce = simulate(invertedRetries(defaultPolicy, 2)).total;
    // Waiting 70 s buys up to five dials before the due time instead of two.
    expect(late.met).toBeGreaterThan(atOnce.met + 3);
    expect(upperBound(invertedRetries(defaultPolicy, 2)).met).toBeGreaterThanOrEqual(late.met);
  });

  it.each([1, 2, 3, 4, 5])('is not beaten by the late policy on the same traffic (seed %i)', (seed) => {
    const late = simulate(invertedRetries(waitsSeventySeconds(), seed)).total;
    const bound = upperBound(invertedRetries(defaultPolicy, seed));
    expect(late.leads).toBe(bound.leads);
    expect(late.met).toBeLessThanOrEqual(bound.met);
    expect(late.attainment ?? 0).toBeLessThanOrEqual(bound.attainment ?? 0);
    expect(late.valueMet ?? 0).toBeLessThanOrEqual(bound.valueMet ?? 0);
  });

  it('keeps the default retry policy as it is, so the bound stays as tight for it', () => {
    expect(quickestRetryPolicy(DEFAULT_RETRY_POLICY)).toEqual(DEFAULT_RETRY_POLICY);
    const inverted = {
      shortDelaysSeconds: [200, 5],
      cadenceSeconds: [10, 600],
      maxAttempts: 6,
      maxAttemptsPer24h: 10,
    };
    expect(quickestRetryPolicy(inverted).shortDelaysSeconds).toEqual([10, 5]);
  });
});
