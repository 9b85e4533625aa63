import Type, { type Static } from 'typebox';

/** One reason a lead scored what it did: what was looked at, what it was, and the points it gave. */
export const ScoreFactor = Type.Object({
  factor: Type.Enum(['eligibility', 'amount', 'visits', 'seconds_on_page', 'repeat_intent', 'hour_of_day']),
  value: Type.Union([Type.String(), Type.Number(), Type.Null()]),
  points: Type.Number(),
});
export type ScoreFactor = Static<typeof ScoreFactor>;
