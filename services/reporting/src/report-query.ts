import { withFieldProblems } from '@pronto/http';
import { type Period, periodOf, ReportParamError, type ReportParams } from '@pronto/sla';
import Type, { type TProperties } from 'typebox';

/** The query-string fields every report takes for its period and campaign (GET /v1/reports/*). */
export const PeriodQueryFields = {
  from: Type.Optional(
    Type.String({ description: 'ISO 8601 date or date-time with offset; the period starts then.' }),
  ),
  to: Type.Optional(Type.String({ description: 'Exclusive end (default: now).' })),
  window: Type.Optional(
    Type.Union([Type.Literal('live'), Type.Literal('today')], {
      description: 'live: the last 15 minutes; today: since midnight in tz. Instead of from/to.',
    }),
  ),
  tz: Type.Optional(Type.String({ description: 'The zone of window=today (default UTC).' })),
  campaign: Type.Optional(Type.String({ description: "A campaign's slug (default: all)." })),
};

/** periodOf(), with a bad parameter answered as 400 problem+json naming it. */
export function periodOrProblem(params: ReportParams, now: Date): Period {
  return withFieldProblems(() => periodOf(params, now), ReportParamError, 'The query has invalid fields');
}

/** A report's slices: each a key (described by `keyDescription`), the agent's name for agent slices, and the figures. */
export function Slices<Figures extends TProperties>(figures: Figures, keyDescription: string) {
  return Type.Array(
    Type.Object({
      key: Type.Union([Type.String(), Type.Null()], { description: keyDescription }),
      label: Type.Optional(Type.String({ description: "The agent's name." })),
      ...figures,
    }),
  );
}
