import { compileValidator } from '@pronto/contracts';
import { ProblemError, withFieldProblems } from '@pronto/http';
import { type Period, periodOf, ReportParamError } from '@pronto/sla';
import Type, { type Static } from 'typebox';

/**
 * The dashboard's filters, in the query string of /manager/snapshot and /manager/stream: the same
 * names as GET /v1/reports/sla's, so the page's CSV link is the same query. No period: today.
 */
export const DashboardQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40 })),
    to: Type.Optional(Type.String({ maxLength: 40 })),
    window: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('today')])),
    tz: Type.Optional(Type.String({ maxLength: 64 })),
    campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type DashboardQuery = Static<typeof DashboardQuery>;

export interface DashboardFilters {
  /** The query as given, empty values dropped: what the page's CSV link repeats. */
  query: DashboardQuery;
  campaign?: string;
  group?: string;
}

const validator = compileValidator(DashboardQuery);

/** The filters of a request's query string, or a 400 problem naming the field. */
export function dashboardFilters(raw: unknown): DashboardFilters {
  // A form's empty fields arrive as empty strings: they mean "any", not "invalid".
  const given = Object.fromEntries(
    Object.entries((raw ?? {}) as Record<string, unknown>).filter(([, value]) => value !== ''),
  );
  const checked = validator.validate(given);
  if (!checked.ok) throw new ProblemError('validation-error', 'The query has invalid fields', checked.errors);
  const query = checked.value;
  if (!query.window && !query.from && !query.to) query.window = 'today';
  return {
    query,
    ...(query.campaign ? { campaign: query.campaign } : {}),
    ...(query.group ? { group: query.group } : {}),
  };
}

/** The period the filters name at `now` (periodOf's rules), or a 400 problem naming the field. */
export function dashboardPeriod(filters: DashboardFilters, now: Date): Period {
  return withFieldProblems(
    () => periodOf(filters.query, now),
    ReportParamError,
    'The query has invalid fields',
  );
}
