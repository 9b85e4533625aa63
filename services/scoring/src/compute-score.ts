import {
  DEFAULT_WEIGHTS,
  type IntentEvent,
  type ScoreFactor,
  type ScoringWeights,
  weightsFrom,
} from '@pronto/contracts';
import { DateTime } from 'luxon';

export { DEFAULT_WEIGHTS, type ScoringWeights, weightsFrom };

export interface Score {
  readonly score: number;
  readonly factors: ScoreFactor[];
}

/**
 * An explainable score from 0 to 100: every factor is kept with its value and points, so an agent
 * or a manager sees why one lead came before another.
 */
export function computeScore(input: {
  event: IntentEvent;
  /** Intents the lead holds, this one included. */
  intents: number;
  receivedAt: Date;
  zone: string;
  weights: ScoringWeights;
}): Score {
  const { event, weights } = input;
  const factors: ScoreFactor[] = [];
  const eligibility = event.offer?.eligibility ?? null;
  factors.push({
    factor: 'eligibility',
    value: eligibility,
    points: eligibility ? weights.eligibility[eligibility] : 0,
  });
  const amount = event.offer?.amount ?? null;
  factors.push({
    factor: 'amount',
    value: amount,
    points:
      amount === null ? 0 : round(weights.amountPoints * Math.min(1, amount / weights.amountForFullPoints)),
  });
  const visits = event.context?.visits ?? null;
  factors.push({
    factor: 'visits',
    value: visits,
    points: visits === null ? 0 : Math.min(weights.maxVisitPoints, visits * weights.pointsPerVisit),
  });
  const seconds = event.context?.secondsOnPage ?? null;
  factors.push({
    factor: 'seconds_on_page',
    value: seconds,
    points:
      seconds === null
        ? 0
        : Math.min(weights.maxPagePoints, round((seconds / 60) * weights.pointsPerMinuteOnPage)),
  });
  factors.push({
    factor: 'repeat_intent',
    value: input.intents,
    points: Math.min(weights.maxRepeatPoints, (input.intents - 1) * weights.pointsPerRepeatIntent),
  });
  const hour = DateTime.fromJSDate(input.receivedAt, { zone: input.zone }).hour;
  factors.push({
    factor: 'hour_of_day',
    value: hour,
    points:
      hour >= 9 && hour < 17
        ? weights.workdayHourPoints
        : hour >= 17 && hour < 21
          ? weights.eveningHourPoints
          : 0,
  });
  const total = factors.reduce((sum, factor) => sum + factor.points, 0);
  return { score: Math.max(0, Math.min(100, Math.round(total))), factors };
}

const round = (value: number) => Math.round(value * 10) / 10;
