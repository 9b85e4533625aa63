import { type CallingCalendar, growingSpans, nextOpening, openIntervals } from './calling-calendar.ts';

export type SlaClock = 'calendar' | 'business_hours';

export interface SlaDue {
  /** When the SLA clock started. */
  anchorAt: Date;
  /** When the lead must have been contacted to meet the SLA. */
  dueAt: Date;
}

/**
 * The SLA anchor and due time of a lead accepted at `acceptedAt` (docs/reports.md "The SLA").
 * calendar: the clock starts at acceptance and runs without pause.
 * business_hours: the clock starts at acceptance if a calling window is open then, else at the next
 * opening in the lead's zone, and it runs only while a window is open; it pauses at closing time and
 * resumes at the next opening.
 */
export function computeSlaDue(input: {
  clock: SlaClock;
  slaSeconds: number;
  acceptedAt: Date;
  calendar: CallingCalendar;
  zone: string;
}): SlaDue | null {
  const accepted = input.acceptedAt.getTime();
  const budget = input.slaSeconds * 1000;
  if (input.clock === 'calendar') return { anchorAt: input.acceptedAt, dueAt: new Date(accepted + budget) };

  const anchor = nextOpening(input.calendar, input.zone, accepted);
  if (anchor === null) return null;
  let remaining = budget;
  for (const span of growingSpans(anchor, 370)) {
    for (const interval of openIntervals(input.calendar, input.zone, span.start, span.end)) {
      const length = interval.end - interval.start;
      if (remaining <= length)
        return { anchorAt: new Date(anchor), dueAt: new Date(interval.start + remaining) };
      remaining -= length;
    }
  }
  return null;
}
