// Number formats the entry point and the report share, so their figures read the same.
import { loadavg } from 'node:os';

export const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
export const rate = (events: number, ms: number) => (ms > 0 ? (events / ms) * 1000 : Number.NaN);
/** The 1, 5 and 15 minute load averages, printed at the start and the end of a run. */
export const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
