import {
  type CallingCalendar,
  computeSlaDue,
  type Interval,
  openIntervals,
  nextOpening as slaNextOpening,
} from '@pronto/sla';

import type { SimCampaign } from './types.ts';

const DAY_MS = 86_400_000;
/** As @pronto/sla's nextOpening: a window that opens no more within this is taken as never opening. */
const HORIZON_MS = 370 * DAY_MS;

/**
 * The campaign's calling calendar as sorted open intervals, computed once for the span asked and
 * extended when a question reaches past it (the zone arithmetic of @pronto/sla is exact but costs
 * tens of microseconds a question, and a day's run asks it for every lead and every retry). Every
 * answer comes from the same intervals, so isOpen, nextOpening and closingAfter agree at any
 * instant: a run held by a closure of weeks (Christmas holidays) reaches past the first span, and
 * answers mixed from two sources there would send it round in circles.
 * A campaign without windows may call at any time, as the dispatcher's gate treats it.
 */
export class WindowClock {
  readonly alwaysOpen: boolean;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** The covered span [from, to): the intervals are exact inside it, the last one cut at `to`. */
  private from: number;
  private to: number;

  constructor(
    private readonly calendar: CallingCalendar,
    private readonly zone: string,
    from: number,
    to: number,
  ) {
    this.alwaysOpen = calendar.windows.length === 0;
    this.from = from - DAY_MS;
    this.to = this.from;
    if (!this.alwaysOpen) this.extendTo(to + 8 * DAY_MS);
  }

  /** Covers [from, until): the new intervals are appended, one that continues the last is merged. */
  private extendTo(until: number): void {
    if (until <= this.to) return;
    for (const interval of openIntervals(this.calendar, this.zone, this.to, until)) this.append(interval);
    this.to = until;
  }

  private append(interval: Interval): void {
    const last = this.ends.length - 1;
    if (last >= 0 && interval.start <= (this.ends[last] as number)) {
      this.ends[last] = Math.max(this.ends[last] as number, interval.end);
      return;
    }
    this.starts.push(interval.start);
    this.ends.push(interval.end);
  }

  /** Covers `at` and some time after: the span at least doubles, so a long run extends it a few times. */
  private cover(at: number): void {
    if (at < this.to) return;
    this.extendTo(Math.max(at + DAY_MS, this.to + (this.to - this.from)));
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

  /** Before the span (never asked in a run, which starts inside it) @pronto/sla answers on its own. */
  private before(at: number): boolean {
    return at < this.from;
  }

  isOpen(at: number): boolean {
    if (this.alwaysOpen) return true;
    if (this.before(at)) return openIntervals(this.calendar, this.zone, at, at + 1).length > 0;
    this.cover(at);
    const index = this.indexAt(at);
    return index >= 0 && at < (this.ends[index] as number);
  }

  /** `at` when open, else the next opening; null when none opens within 370 days, as @pronto/sla says. */
  nextOpening(at: number): number | null {
    if (this.alwaysOpen || this.isOpen(at)) return at;
    if (this.before(at)) return slaNextOpening(this.calendar, this.zone, at);
    for (;;) {
      const next = this.starts[this.indexAt(at) + 1];
      if (next !== undefined) return next - at <= HORIZON_MS ? next : null;
      if (this.to - at > HORIZON_MS) return null;
      this.cover(this.to);
    }
  }

  /** The open spans inside [from, to), in order. */
  openSpans(from: number, to: number): { from: number; to: number }[] {
    if (this.alwaysOpen) return [{ from, to }];
    if (this.before(from)) return openIntervals(this.calendar, this.zone, from, to).map(spanOf);
    this.cover(to);
    const spans: { from: number; to: number }[] = [];
    for (let index = Math.max(this.indexAt(from), 0); index < this.starts.length; index += 1) {
      const start = Math.max(this.starts[index] as number, from);
      const end = Math.min(this.ends[index] as number, to);
      if ((this.starts[index] as number) >= to) break;
      if (end > start) spans.push({ from: start, to: end });
    }
    return spans;
  }

  /**
   * When the window open at `at` closes; `at` itself when it is closed then. Infinity when always
   * open, or when it stays open for 370 days (a calendar open around the clock).
   */
  closingAfter(at: number): number {
    if (this.alwaysOpen || !this.isOpen(at)) return this.alwaysOpen ? Number.POSITIVE_INFINITY : at;
    if (this.before(at)) return Number.POSITIVE_INFINITY;
    for (;;) {
      const end = this.ends[this.indexAt(at)] as number;
      // An interval reaching the end of the span may go on past it.
      if (end < this.to) return end;
      if (end - at > HORIZON_MS) return Number.POSITIVE_INFINITY;
      this.cover(this.to);
    }
  }

  /** The lead's due time by the campaign's SLA clock, as computeSlaDue gives it. */
  dueAt(acceptedAt: number, clock: 'calendar' | 'business_hours', slaSeconds: number): number | null {
    const budget = slaSeconds * 1_000;
    if (clock === 'calendar' || this.alwaysOpen) return acceptedAt + budget;
    if (this.before(acceptedAt)) return this.dueBySla(acceptedAt, slaSeconds);
    this.cover(acceptedAt);
    let index = this.indexAt(acceptedAt);
    if (index < 0 || acceptedAt >= (this.ends[index] as number)) index += 1;
    let remaining = budget;
    let cursor = acceptedAt;
    for (; index < this.starts.length; index += 1) {
      const start = Math.max(this.starts[index] as number, cursor);
      const length = (this.ends[index] as number) - start;
      if (remaining <= length) return start + remaining;
      // The last interval may be cut at the end of the span: past it, @pronto/sla counts on.
      if ((this.ends[index] as number) >= this.to) break;
      remaining -= length;
      cursor = this.ends[index] as number;
    }
    return this.dueBySla(acceptedAt, slaSeconds);
  }

  private dueBySla(acceptedAt: number, slaSeconds: number): number | null {
    const due = computeSlaDue({
      clock: 'business_hours',
      slaSeconds,
      acceptedAt: new Date(acceptedAt),
      calendar: this.calendar,
      zone: this.zone,
    });
    return due === null ? null : due.dueAt.getTime();
  }
}

const spanOf = (interval: Interval): { from: number; to: number } => ({
  from: interval.start,
  to: interval.end,
});

/** The campaign's calendar, computed ahead from `from` to `to` (epoch ms) and further when asked. */
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
