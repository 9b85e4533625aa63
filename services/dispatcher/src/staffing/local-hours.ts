import { DateTime } from 'luxon';

/** One hour of a local date: its wall-clock hour (0-23) and its instants, epoch ms [from, to). */
export interface LocalHour {
  readonly hour: number;
  readonly from: number;
  readonly to: number;
}

const HOUR_MS = 3_600_000;

/**
 * The hours of `date` (YYYY-MM-DD) in `zone`, from local midnight to the next one, in real time:
 * 24 on most days, 23 on the day the clocks spring forward (the skipped hour has no entry), 25 on
 * the day they fall back (the repeated hour has two entries with the same `hour`).
 */
export function localHours(date: string, zone: string): LocalHour[] {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  if (!start.isValid) throw new RangeError(`"${date}" in "${zone}" is not a date`);
  const end = start.plus({ days: 1 }).toMillis();
  const hours: LocalHour[] = [];
  for (let from = start.toMillis(); from < end; from += HOUR_MS)
    hours.push({ hour: DateTime.fromMillis(from, { zone }).hour, from, to: Math.min(from + HOUR_MS, end) });
  return hours;
}

/** The local midnights that start the same weekday `weeks` weeks before `date`, and end it: 1..weeks back. */
export function sameWeekdaysBefore(
  date: string,
  zone: string,
  weeks: number,
): { from: number; to: number }[] {
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  return Array.from({ length: weeks }, (_, n) => {
    const earlier = day.minus({ weeks: n + 1 });
    return { from: earlier.toMillis(), to: earlier.plus({ days: 1 }).toMillis() };
  });
}

/** `date`'s local midnight, and the one `weeks` weeks before it: the history the handle time is fitted on. */
export function weeksBefore(date: string, zone: string, weeks: number): { from: number; to: number } {
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  return { from: day.minus({ weeks }).toMillis(), to: day.toMillis() };
}

/** Today's date (YYYY-MM-DD) in `zone` at `now`. */
export function todayIn(zone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone }).toISODate() ?? now.toISOString().slice(0, 10);
}

/** The years a staffing date may be in: no lead history or plan lies outside them. */
export const DATE_YEARS = { from: 2000, to: 2199 } as const;

/**
 * Whether `date` is a real calendar date written YYYY-MM-DD (2026-02-30 is not) within DATE_YEARS
 * (year 0000 and its weeks before would be dates the database cannot read).
 */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = DateTime.fromISO(date, { zone: 'UTC' });
  return parsed.isValid && parsed.year >= DATE_YEARS.from && parsed.year <= DATE_YEARS.to;
}
