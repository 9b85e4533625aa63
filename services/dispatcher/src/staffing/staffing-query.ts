import type { FieldError } from '@pronto/contracts';
import { fieldError, ProblemError } from '@pronto/http';
import Type, { type Static } from 'typebox';
import { DATE_YEARS, isCalendarDate } from './local-hours.ts';

/** GET /v1/staffing's query string: every value arrives as text and is read by readStaffingQuery. */
export const StaffingQuery = Type.Object(
  {
    campaign: Type.String({ minLength: 1, description: "The campaign's slug." }),
    date: Type.Optional(
      Type.String({ description: "YYYY-MM-DD in the campaign's zone (default: today there)." }),
    ),
    weeks: Type.Optional(
      Type.String({ description: 'Weeks of history the forecast averages, 1-12 (default 4).' }),
    ),
    target: Type.Optional(
      Type.String({
        description:
          "Share of leads to contact within the SLA, 0 < x < 1 (default: the campaign's attainment alert threshold, else 0.9).",
      }),
    ),
    arrivalMultiplier: Type.Optional(
      Type.String({ description: 'What-if: arrivals times this, 0-100 (default 1).' }),
    ),
    arrivals: Type.Optional(
      Type.String({
        description:
          'What-if: 24 comma-separated non-negative numbers, the arrivals of each local hour 0-23; replaces the forecast.',
      }),
    ),
    handleSeconds: Type.Optional(
      Type.String({
        description: "What-if: talk + wrap-up seconds of a contact, 1-7200; replaces the history's mean.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type StaffingQuery = Static<typeof StaffingQuery>;

/** The query read: numbers as numbers, defaults filled in (the date's default needs the campaign's zone). */
export interface StaffingParams {
  readonly campaign: string;
  readonly date: string | undefined;
  readonly weeks: number;
  /** undefined: the campaign's own target (its attainment alert threshold), else DEFAULTS.target. */
  readonly target: number | undefined;
  readonly arrivalMultiplier: number;
  readonly arrivals: readonly number[] | undefined;
  readonly handleSeconds: number | undefined;
}

export const DEFAULTS = { weeks: 4, target: 0.9, arrivalMultiplier: 1 } as const;

/** A plain decimal (no sign, no hex, no Infinity): what a person types in a form. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const decimal = (text: string): number | undefined => {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
};

/** Reads one optional field with `read`; a refused value adds an error naming the field. */
function field<T>(
  errors: FieldError[],
  name: string,
  text: string | undefined,
  read: (text: string) => T | undefined,
  rule: string,
): T | undefined {
  if (text === undefined) return undefined;
  const value = read(text);
  if (value === undefined) errors.push(fieldError(name, `${name} ${rule} (got ${JSON.stringify(text)})`));
  return value;
}

const inRange = (min: number, max: number, open: boolean) => (text: string) => {
  const value = decimal(text);
  if (value === undefined) return undefined;
  return (open ? value > min && value < max : value >= min && value <= max) ? value : undefined;
};
const integerInRange = (min: number, max: number) => (text: string) => {
  const value = decimal(text);
  return value !== undefined && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
};
const hourlyArrivals = (text: string) => {
  const values = text.split(',').map(decimal);
  return values.length === 24 && values.every((value) => value !== undefined)
    ? (values as number[])
    : undefined;
};

/**
 * The query's values, or a 400 problem naming every bad field at once (a form sends them all, so
 * its user learns of each mistake in one answer).
 */
export function readStaffingQuery(query: StaffingQuery): StaffingParams {
  const errors: FieldError[] = [];
  const date = field(
    errors,
    'date',
    query.date,
    (text) => (isCalendarDate(text) ? text : undefined),
    `must be a date YYYY-MM-DD from ${DATE_YEARS.from} to ${DATE_YEARS.to}`,
  );
  const weeks = field(
    errors,
    'weeks',
    query.weeks,
    integerInRange(1, 12),
    'must be a whole number from 1 to 12',
  );
  const target = field(
    errors,
    'target',
    query.target,
    inRange(0, 1, true),
    'must be a number above 0 and below 1',
  );
  const arrivalMultiplier = field(
    errors,
    'arrivalMultiplier',
    query.arrivalMultiplier,
    inRange(0, 100, false),
    'must be a number from 0 to 100',
  );
  const arrivals = field(
    errors,
    'arrivals',
    query.arrivals,
    hourlyArrivals,
    'must be 24 comma-separated numbers, 0 or more (one per local hour 0-23)',
  );
  const handleSeconds = field(
    errors,
    'handleSeconds',
    query.handleSeconds,
    inRange(1, 7_200, false),
    'must be a number of seconds from 1 to 7200',
  );
  if (errors.length > 0) throw new ProblemError('validation-error', 'The query has invalid fields', errors);
  return {
    campaign: query.campaign,
    date,
    weeks: weeks ?? DEFAULTS.weeks,
    target,
    arrivalMultiplier: arrivalMultiplier ?? DEFAULTS.arrivalMultiplier,
    arrivals,
    handleSeconds,
  };
}
