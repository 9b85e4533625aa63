import { INTENT_EVENT_EXAMPLE, type IntentEvent } from '@pronto/contracts';
import { describe, expect, it } from 'vitest';
import { computeScore, DEFAULT_WEIGHTS, weightsFrom } from './compute-score.ts';

const event = INTENT_EVENT_EXAMPLE as IntentEvent;
const at = (iso: string) => new Date(iso);
const points = (result: ReturnType<typeof computeScore>, factor: string) =>
  result.factors.find((f) => f.factor === factor)?.points;

describe('computeScore', () => {
  it('explains the design example factor by factor', () => {
    // pre_approved, 20000 PLN, 3 visits, 140 s on the page, first intent, 11:15 in Warsaw.
    const result = computeScore({
      event,
      intents: 1,
      receivedAt: at('2026-11-22T10:15:03Z'),
      zone: 'Europe/Warsaw',
      weights: DEFAULT_WEIGHTS,
    });
    expect(result.factors).toEqual([
      { factor: 'eligibility', value: 'pre_approved', points: 40 },
      { factor: 'amount', value: 20000, points: 6 },
      { factor: 'visits', value: 3, points: 9 },
      { factor: 'seconds_on_page', value: 140, points: 4.7 },
      { factor: 'repeat_intent', value: 1, points: 0 },
      { factor: 'hour_of_day', value: 11, points: 5 },
    ]);
    expect(result.score).toBe(65);
  });

  it('ranks pre_approved above approved above checked, all else equal', () => {
    const scoreOf = (eligibility: 'pre_approved' | 'approved' | 'checked') =>
      computeScore({
        event: { ...event, offer: { product: 'cash_loan', ...event.offer, eligibility } },
        intents: 1,
        receivedAt: at('2026-11-22T10:15:03Z'),
        zone: 'Europe/Warsaw',
        weights: DEFAULT_WEIGHTS,
      }).score;
    expect(scoreOf('pre_approved')).toBeGreaterThan(scoreOf('approved'));
    expect(scoreOf('approved')).toBeGreaterThan(scoreOf('checked'));
  });

  it('raises the score of a person who comes back, up to a cap', () => {
    const withIntents = (intents: number) =>
      computeScore({
        event,
        intents,
        receivedAt: at('2026-11-22T10:15:03Z'),
        zone: 'Europe/Warsaw',
        weights: DEFAULT_WEIGHTS,
      });
    expect(points(withIntents(2), 'repeat_intent')).toBe(10);
    expect(points(withIntents(9), 'repeat_intent')).toBe(20);
    expect(withIntents(2).score).toBeGreaterThan(withIntents(1).score);
  });

  it('reads the hour in the lead zone: 23:30 UTC is past midnight in Warsaw and evening in New York', () => {
    const night = computeScore({
      event,
      intents: 1,
      receivedAt: at('2026-11-22T23:30:00Z'),
      zone: 'Europe/Warsaw',
      weights: DEFAULT_WEIGHTS,
    });
    const evening = computeScore({
      event,
      intents: 1,
      receivedAt: at('2026-11-22T23:30:00Z'),
      zone: 'America/New_York',
      weights: DEFAULT_WEIGHTS,
    });
    expect(night.factors.at(-1)).toEqual({ factor: 'hour_of_day', value: 0, points: 0 });
    expect(evening.factors.at(-1)).toEqual({ factor: 'hour_of_day', value: 18, points: 3 });
  });

  it('takes a campaign override and ignores nonsense in it', () => {
    const weights = weightsFrom({
      eligibility: { pre_approved: 60, bogus: 5 },
      pointsPerVisit: 'x',
      maxVisitPoints: 30,
    });
    expect(weights.eligibility.pre_approved).toBe(60);
    expect(weights.pointsPerVisit).toBe(DEFAULT_WEIGHTS.pointsPerVisit);
    expect(weights.maxVisitPoints).toBe(30);
  });

  it('scores an event with no offer details from what it has', () => {
    const bare: IntentEvent = { ...event, offer: { product: 'cash_loan' }, context: {} };
    const result = computeScore({
      event: bare,
      intents: 1,
      receivedAt: at('2026-11-22T03:00:00Z'),
      zone: 'Europe/Warsaw',
      weights: DEFAULT_WEIGHTS,
    });
    expect(result.score).toBe(0);
    expect(result.factors.map((f) => f.value)).toEqual([null, null, null, null, 1, 4]);
  });
});
