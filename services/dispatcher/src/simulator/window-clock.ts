import { type CallingCalendar, computeSlaDue, type Interval, nextOpening, openIntervals } from '@pronto/sla';

import type { SimCampaign } from './types.ts';

const DAY_MS = 86_400_000;

/**
 * The campaign's calling calendar over the simulated span, as sorted open intervals computed once
 * (the zone arithmetic of @pronto/sla is exact but costs tens of microseconds a question, and a day's
 * run asks it for every lead and every retry). Times outside the span go to @pronto/sla itself.
 * A campaign without windows may call at any time, as the dispatcher's gate treats it.
 */
export class WindowClock {
  readonly alwaysOpen: boolean;
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly from: number;
  private readonly to: number;

  constructor(
    private readonly calendar: CallingCalendar,
    private readonly zone: string,
    from: number,
    to: number,
  ) {
    this.alwaysOpen = calendar.windows.length === 0;
    this.from = from - DAY_MS;
    this.to = to + 8 * DAY_MS;
    const intervals: Interval[] = this.alwaysOpen ? [] : openIntervals(calendar, zone, this.from, this.to);
    this.starts = Float64Array.from(intervals, (interval) => interval.start);
    this.ends = Float64Array.from(intervals, (interval) => interval.end);
  }

  /** The index of the last interval starting at or before `at`, or -1. */
  private indexAt(at: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((this.starts[middle] as number) <= at) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  private covers(at: number): boolean {
    return at >= this.from && at < this.to;
  }

  isOpen(at: number): boolean {
    if (this.alwaysOpen) return true;
    const index = this.indexAt(at);
    return index >= 0 && at < (this.ends[index] as number);
  }

  /** `at` when open, else the next opening; null when none opens within a year. */
  nextOpening(at: number): number | null {
    if (this.alwaysOpen || this.isOpen(at)) return at;
    if (!this.covers(at)) return nextOpening(this.calendar, this.zone, at);
    const next = this.starts[this.indexAt(at) + 1];
    return next ?? nextOpening(this.calendar, this.zone, at);
  }

  /** The open spans inside [from, to), in order. */
  openSpans(from: number, to: number): { from: number; to: number }[] {
    if (this.alwaysOpen) return [{ from, to }];
    const spans: { from: number; to: number }[] = [];
    for (let index = Math.max(this.indexAt(from), 0); index < this.starts.length; index += 1) {
      const start = Math.max(this.starts[index] as number, from);
      const end = Math.min(this.ends[index] as number, to);
      if ((this.starts[index] as number) >= to) break;
      if (end > start) spans.push({ from: start, to: end });
    }
    return spans;
  }

  /** When the window open at `at` closes; Infinity when always open or outside the span. */
  closingAfter(at: number): number {
    if (this.alwaysOpen) return Number.POSITIVE_INFINITY;
    const index = this.indexAt(at);
    return index >= 0 ? (this.ends[index] as number) : Number.POSITIVE_INFINITY;
  }

  /** The lead's due time by the campaign's SLA clock, as computeSlaDue gives it. */
  dueAt(acceptedAt: number, clock: 'calendar' | 'business_hours', slaSeconds: number): number | null {
    const budget = slaSeconds * 1_000;
    if (clock === 'calendar' || this.alwaysOpen) return acceptedAt + budget;
    let index = this.indexAt(acceptedAt);
    if (index < 0 || acceptedAt >= (this.ends[index] as number)) index += 1;
    let remaining = budget;
    let cursor = acceptedAt;
    for (; index < this.starts.length; index += 1) {
      const start = Math.max(this.starts[index] as number, cursor);
      const length = (this.ends[index] as number) - start;
      if (remaining <= length) return start + remaining;
      remaining -= length;
      cursor = this.ends[index] as number;
    }
    const due = computeSlaDue({
      clock,
      slaSeconds,
      acceptedAt: new Date(acceptedAt),
      calendar: this.calendar,
      zone: this.zone,
    });
    return due === null ? null : due.dueAt.getTime();
  }
}

/** The campaign's calendar from `from` to `to` (epoch ms). */
export function campaignClock(
  campaign: Pick<SimCampaign, 'callingWindows' | 'holidays' | 'timeZone'>,
  from: number,
  to: number,
): WindowClock {
  return new WindowClock(
    { windows: campaign.callingWindows, holidays: campaign.holidays },
    campaign.timeZone,
    from,
    to,
  );
}
