// The arrival forecast behind the staffing advice: the same weekday's hours of the last weeks.

import { requireNonNegative } from './validate.ts';

const HOURS = 24;

/**
 * Per local hour 0..23, the mean of the counts of the weeks given (each week: 24 counts for the
 * same weekday). No weeks: a forecast of zeros, the honest answer for a campaign without history.
 */
export function forecastHourly(weeks: readonly (readonly number[])[]): number[] {
  const sums = new Array<number>(HOURS).fill(0);
  weeks.forEach((week, w) => {
    if (week.length !== HOURS) {
      throw new RangeError(`weeks[${w}] must hold ${HOURS} hourly counts, got ${week.length}`);
    }
    week.forEach((count, hour) => {
      sums[hour] = (sums[hour] ?? 0) + requireNonNegative(`weeks[${w}][${hour}]`, count);
    });
  });
  return sums.map((sum) => (weeks.length === 0 ? 0 : sum / weeks.length));
}
