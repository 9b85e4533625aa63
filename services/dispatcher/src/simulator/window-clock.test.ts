import { DEFAULT_DIALER_PROFILE } from '@pronto/contracts';
import { isOpen, nextOpening } from '@pronto/sla';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy/index.ts';
import { campaignFixture, HOUR, MONDAY, spyOn, team } from './sim-fixtures.ts';
import { simulate } from './simulate.ts';
import type { SimulationInput } from './types.ts';
import { upperBound } from './upper-bound.ts';
import { campaignClock } from './window-clock.ts';

const DAY = 24 * HOUR;
const WEEKDAYS = [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }];
/** Local dates from `first`, `count` days on. */
const datesFrom = (first: number, count: number): string[] =>
  Array.from({ length: count }, (_, n) => new Date(first + n * DAY).toISOString().slice(0, 10));
/** Tuesday 22 December 2026 to Wednesday 6 January 2027: the office reopens on Thursday 7 January. */
const CHRISTMAS = datesFrom(Date.UTC(2026, 11, 22), 16);
/** Monday 21 December 2026, 00:00 UTC; Warsaw is UTC+1, so 16:50 local is 15:50 UTC. */
const DEC_21 = MONDAY + 14 * DAY;
const JAN_7_OPENING = Date.UTC(2027, 0, 7, 8);

/**
 * One agent, every call answered and ten minutes long, on the business-hours SLA clock: a lead at
 * 16:50 takes the agent past 17:00, so the lead at 16:58 waits for the window's next opening.
 */
function closingDay(day: number, holidays: string[], policy = defaultPolicy): SimulationInput {
  return {
    seed: 5,
    policy,
    start: day,
    durationMs: DAY,
    campaign: campaignFixture({
      callingWindows: WEEKDAYS,
      holidays,
      slaClock: 'business_hours',
      dialerProfile: {
        ...DEFAULT_DIALER_PROFILE,
        rates: { answered: 1, no_answer: 0, busy: 0, voicemail: 0, failed: 0 },
      },
    }),
    agents: team(1, day, day + 20 * DAY),
    arrivals: {
      kind: 'replay',
      leads: [{ arrivedAt: day + 15 * HOUR + 50 * 60_000 }, { arrivedAt: day + 15 * HOUR + 58 * 60_000 }],
    },
    handle: { kind: 'fixed', seconds: 600 },
    mode: 'profile',
  };
}

describe('the window clock', () => {
  it('agrees with @pronto/sla far past the span it was built for', () => {
    const campaign = campaignFixture({ callingWindows: WEEKDAYS, holidays: CHRISTMAS });
    const clock = campaignClock(campaign, DEC_21, DEC_21 + DAY);
    const calendar = { windows: WEEKDAYS, holidays: CHRISTMAS };
    for (let at = DEC_21; at < DEC_21 + 60 * DAY; at += 7 * HOUR + 13 * 60_000) {
      expect(clock.isOpen(at)).toBe(isOpen(calendar, 'Europe/Warsaw', at));
      expect(clock.nextOpening(at)).toBe(nextOpening(calendar, 'Europe/Warsaw', at));
    }
    // Open at 16:58 on 21 December: it closes at 17:00, and opens again on 7 January.
    const beforeClosure = DEC_21 + 15 * HOUR + 58 * 60_000;
    expect(clock.closingAfter(beforeClosure)).toBe(DEC_21 + 16 * HOUR);
    expect(clock.nextOpening(DEC_21 + 16 * HOUR)).toBe(JAN_7_OPENING);
    expect(clock.closingAfter(JAN_7_OPENING)).toBe(JAN_7_OPENING + 8 * HOUR);
  });
});

describe('a run held by a long closure', () => {
  it('finishes, and dials the lead left waiting at the closure when the office reopens', () => {
    const spy = spyOn(defaultPolicy);
    const christmas = simulate(closingDay(DEC_21, CHRISTMAS, spy));
    expect(spy.assignments.map(({ leadId }) => leadId)).toEqual(['L00000000', 'L00000001']);
    // The last round offers the lead left waiting, at 09:00 on 7 January.
    expect(spy.rounds.at(-1)?.now).toBe(JAN_7_OPENING);
    expect(spy.rounds.at(-1)?.queue.map((lead) => lead.id)).toEqual(['L00000001']);
    // Both are met: the second had two minutes before 17:00 and three after the reopening.
    expect(christmas.total).toMatchObject({ leads: 2, met: 2, attainment: 1, firstDialWithinSla: 1 });
    expect(christmas.total.speedToLead.p90 ?? 0).toBeGreaterThan(16 * 24 * 3_600);
    // The same day before an ordinary night: the user sees the same figures, only the wait is shorter.
    const ordinary = simulate(closingDay(MONDAY, [])).total;
    expect({ ...christmas.total, speedToLead: null }).toEqual({ ...ordinary, speedToLead: null });
    expect(upperBound(closingDay(DEC_21, CHRISTMAS))).toMatchObject({ leads: 2, met: 2 });
  });

  it('ends when the window never opens again: the lead left waiting is breached outside the window', () => {
    const closedForGood = closingDay(DEC_21, datesFrom(Date.UTC(2026, 11, 22), 800));
    const result = simulate(closedForGood).total;
    expect(result).toMatchObject({ leads: 2, met: 1 });
    expect(result.breachReasons.outside_window).toBe(1);
    expect(upperBound(closedForGood).met).toBeGreaterThanOrEqual(result.met);
  });
});
