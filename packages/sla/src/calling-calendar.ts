import { DateTime } from 'luxon';

/** Weekdays 1 (Monday) .. 7 (Sunday); local wall-clock times "HH:mm" in the lead's zone. */
export interface CallingWindow {
  days: number[];
  from: string;
  /** When `to` is not after `from`, the window runs past midnight into the next day (22:00-02:00). */
  to: string;
}

export interface CallingCalendar {
  windows: readonly CallingWindow[];
  /** Local dates (YYYY-MM-DD) on which no window opens; a window that started the day before still runs. */
  holidays?: readonly string[];
}

/** A span of time, in UTC milliseconds: [start, end). */
export interface Interval {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

function parseTime(text: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a time of day (HH:mm)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * The instant a local wall-clock time happens. A time skipped by a spring-forward change (02:30 on
 * the night Warsaw moves to summer time) is taken as the first instant after the gap; a time that
 * happens twice at fall-back is taken the first time.
 */
function localInstant(day: DateTime, time: { hour: number; minute: number }): number {
  const base = day.startOf('day');
  if (time.hour === 24) return base.plus({ days: 1 }).toMillis();
  return base.set({ hour: time.hour, minute: time.minute }).toMillis();
}

/**
 * The open calling intervals between `fromMs` and `toMs` in `zone`, merged and in order. Every
 * computation goes through the zone's own calendar (luxon), so daylight-saving days come out with
 * their real length: a 08:00-21:00 window is 13 hours of wall clock on any day.
 */
export function openIntervals(
  calendar: CallingCalendar,
  zone: string,
  fromMs: number,
  toMs: number,
): Interval[] {
  const holidays = new Set(calendar.holidays ?? []);
  const windows = calendar.windows.map((window) => ({
    days: new Set(window.days),
    from: parseTime(window.from),
    to: parseTime(window.to),
  }));
  const intervals: Interval[] = [];
  // A window may start the day before `fromMs` and run past midnight into it.
  let day = DateTime.fromMillis(fromMs, { zone }).startOf('day').minus({ days: 1 });
  if (!day.isValid) throw new Error(`unknown time zone "${zone}"`);
  const lastDay = DateTime.fromMillis(toMs, { zone }).startOf('day');
  while (day <= lastDay) {
    if (!holidays.has(day.toISODate() ?? '')) {
      for (const window of windows) {
        if (!window.days.has(day.weekday)) continue;
        const start = localInstant(day, window.from);
        const crossesMidnight =
          window.to.hour * 60 + window.to.minute <= window.from.hour * 60 + window.from.minute;
        const end = localInstant(crossesMidnight ? day.plus({ days: 1 }) : day, window.to);
        if (end > fromMs && start < toMs && end > start)
          intervals.push({ start: Math.max(start, fromMs), end: Math.min(end, toMs) });
      }
    }
    day = day.plus({ days: 1 });
  }
  intervals.sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of intervals) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

export function isOpen(calendar: CallingCalendar, zone: string, atMs: number): boolean {
  return openIntervals(calendar, zone, atMs, atMs + 1).length > 0;
}

/**
 * Consecutive spans [from, to) that cover `horizonDays` from `startMs`: one day first, then doubling up
 * to 16 days. Nearly every lead is answered from the first span (a window is open now, or opens
 * today), and each span costs the calendar arithmetic of its days.
 */
export function* growingSpans(startMs: number, horizonDays: number): Generator<Interval> {
  const end = startMs + horizonDays * DAY_MS;
  let days = 1;
  for (let from = startMs; from < end; days = Math.min(days * 2, 16)) {
    const to = Math.min(from + days * DAY_MS, end);
    yield { start: from, end: to };
    from = to;
  }
}

/** `atMs` itself when a window is open then, else the next opening; null when none opens within `horizonDays`. */
export function nextOpening(
  calendar: CallingCalendar,
  zone: string,
  atMs: number,
  horizonDays = 370,
): number | null {
  for (const span of growingSpans(atMs, horizonDays)) {
    const first = openIntervals(calendar, zone, span.start, span.end)[0];
    if (first) return first.start;
  }
  return null;
}
