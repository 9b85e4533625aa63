import { DateTime } from 'luxon';
import { GROUP_BY, type GroupBy } from './sla-report.ts';

/** The report's query string (GET /v1/reports/sla and .csv), as the client wrote it. */
export interface ReportParams {
  from?: string;
  to?: string;
  window?: 'live' | 'today';
  tz?: string;
  campaign?: string;
  group?: string;
  groupBy?: GroupBy;
}

export type Period = { from: Date; to: Date };

/** The live window: leads due in the last 15 minutes (docs/architecture.md, the SLA definitions). */
export const LIVE_WINDOW_MS = 15 * 60_000;
/** The longest period one report covers; longer ones are several reports. */
export const MAX_PERIOD_DAYS = 400;

export class ReportParamError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The period a report covers: `window=live` (the last 15 minutes), `window=today` (since midnight in
 * `tz`, default UTC, until the next), or `from`/`to` (ISO 8601; `to` defaults to now).
 */
export function periodOf(params: ReportParams, now: Date): Period {
  if (params.window && (params.from || params.to))
    throw new ReportParamError('window', 'give either window or from/to, not both');
  if (params.window === 'live') return { from: new Date(now.getTime() - LIVE_WINDOW_MS), to: now };
  if (params.window === 'today') {
    const zone = params.tz ?? 'UTC';
    const day = DateTime.fromJSDate(now, { zone }).startOf('day');
    if (!day.isValid)
      throw new ReportParamError('tz', `"${zone}" is not a time zone (IANA, e.g. Europe/Warsaw)`);
    return { from: day.toJSDate(), to: day.plus({ days: 1 }).toJSDate() };
  }
  if (!params.from)
    throw new ReportParamError('from', 'required (ISO 8601), unless window=live or window=today');
  const from = parseTime(params.from, 'from');
  const to = params.to ? parseTime(params.to, 'to') : now;
  if (to.getTime() <= from.getTime()) throw new ReportParamError('to', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000)
    throw new ReportParamError('to', `a report covers at most ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

const FIRST_STORABLE_MS = Date.parse('0001-01-01T00:00:00Z');

function parseTime(text: string, field: string): Date {
  // A date alone is midnight UTC; a date-time must say its offset, so no one reads it in another zone.
  const match = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(text);
  const at = match ? new Date(match[1] ? text : `${text}T00:00:00Z`) : null;
  // Year 0000 (and an offset reaching back into it) is a Date, but not a timestamptz: the database would fail.
  if (!at || Number.isNaN(at.getTime()) || at.getTime() < FIRST_STORABLE_MS)
    throw new ReportParamError(
      field,
      'an ISO 8601 date (2026-12-02) or date-time with offset (2026-12-02T08:00:00Z)',
    );
  return at;
}

export const isGroupBy = (value: string): value is GroupBy => (GROUP_BY as readonly string[]).includes(value);
