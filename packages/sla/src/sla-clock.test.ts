import { describe, expect, it } from 'vitest';
import type { CallingCalendar } from './calling-calendar.ts';
import { isOpen, nextOpening, openIntervals } from './calling-calendar.ts';
import { computeSlaDue } from './sla-clock.ts';

/** The demo campaign's windows: weekdays 08:00-21:00, Saturday 09:00-18:00, no Sunday. */
const weekdays: CallingCalendar = {
  windows: [
    { days: [1, 2, 3, 4, 5], from: '08:00', to: '21:00' },
    { days: [6], from: '09:00', to: '18:00' },
  ],
};
const utc = (iso: string) => new Date(iso);
const due = (calendar: CallingCalendar, zone: string, acceptedAt: string, slaSeconds = 300) =>
  computeSlaDue({ clock: 'business_hours', slaSeconds, acceptedAt: utc(acceptedAt), calendar, zone });

describe('business-hours SLA clock, Europe/Warsaw', () => {
  it('runs while the window is open: accepted at 10:00, due at 10:05', () => {
    expect(due(weekdays, 'Europe/Warsaw', '2026-01-14T09:00:00Z')).toEqual({
      anchorAt: utc('2026-01-14T09:00:00Z'),
      dueAt: utc('2026-01-14T09:05:00Z'),
    });
  });

  it('pauses over the spring-forward weekend: Saturday 17:58 CET -> Monday 08:03 CEST', () => {
    // 2 minutes before Saturday's 18:00 close; Sunday 29 March 2026 the clocks go 02:00 -> 03:00.
    expect(due(weekdays, 'Europe/Warsaw', '2026-03-28T16:58:00Z')).toEqual({
      anchorAt: utc('2026-03-28T16:58:00Z'),
      dueAt: utc('2026-03-30T06:03:00Z'), // 08:03 CEST = UTC+2
    });
  });

  it('pauses over the fall-back weekend: Saturday 17:58 CEST -> Monday 08:03 CET', () => {
    expect(due(weekdays, 'Europe/Warsaw', '2026-10-24T15:58:00Z')?.dueAt).toEqual(
      utc('2026-10-26T07:03:00Z'),
    );
  });

  it('counts a long SLA across days: 24 business hours from Friday 10:00 end Monday 12:00', () => {
    // Friday 10:00-21:00 (11 h), Saturday 09:00-18:00 (9 h), Monday 08:00-12:00 (4 h).
    expect(due(weekdays, 'Europe/Warsaw', '2026-01-16T09:00:00Z', 24 * 3600)?.dueAt).toEqual(
      utc('2026-01-19T11:00:00Z'),
    );
  });

  it('starts the clock at the next opening for a Sunday event', () => {
    expect(due(weekdays, 'Europe/Warsaw', '2026-03-29T10:00:00Z')).toEqual({
      anchorAt: utc('2026-03-30T06:00:00Z'),
      dueAt: utc('2026-03-30T06:05:00Z'),
    });
  });

  it('skips a holiday', () => {
    const withHoliday = { ...weekdays, holidays: ['2026-03-30'] };
    expect(due(withHoliday, 'Europe/Warsaw', '2026-03-29T10:00:00Z')?.anchorAt).toEqual(
      utc('2026-03-31T06:00:00Z'),
    );
  });

  it('the calendar clock never pauses', () => {
    expect(
      computeSlaDue({
        clock: 'calendar',
        slaSeconds: 300,
        acceptedAt: utc('2026-03-29T10:00:00Z'),
        calendar: weekdays,
        zone: 'Europe/Warsaw',
      })?.dueAt,
    ).toEqual(utc('2026-03-29T10:05:00Z'));
  });

  it('counts the real length of a night window across the spring-forward gap', () => {
    const night: CallingCalendar = { windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '06:00' }] };
    const [interval] = openIntervals(
      night,
      'Europe/Warsaw',
      Date.parse('2026-03-28T22:00:00Z'),
      Date.parse('2026-03-29T12:00:00Z'),
    );
    expect(interval).toEqual({
      start: Date.parse('2026-03-28T23:00:00Z'),
      end: Date.parse('2026-03-29T04:00:00Z'),
    }); // 5 h, not 6
    // 01:58 CET plus five minutes is 04:03 CEST: there is no 02:03 that night.
    expect(due(night, 'Europe/Warsaw', '2026-03-29T00:58:00Z')?.dueAt).toEqual(utc('2026-03-29T01:03:00Z'));
  });
});

describe('a window that crosses midnight', () => {
  const lateShift: CallingCalendar = {
    windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '02:00' }],
  };

  it('is open after midnight as part of the previous evening, and closed at 02:00', () => {
    expect(isOpen(lateShift, 'Europe/Warsaw', Date.parse('2026-01-14T00:30:00Z'))).toBe(true); // 01:30 local
    expect(isOpen(lateShift, 'Europe/Warsaw', Date.parse('2026-01-14T01:30:00Z'))).toBe(false); // 02:30 local
  });

  it('carries the rest of the SLA into the next evening', () => {
    // 01:58 local: two minutes left tonight, three tomorrow from 22:00.
    expect(due(lateShift, 'Europe/Warsaw', '2026-01-14T00:58:00Z')?.dueAt).toEqual(
      utc('2026-01-14T21:03:00Z'),
    );
  });
});

describe('zones with other rules', () => {
  const office: CallingCalendar = { windows: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] };

  it('America/Indiana/Indianapolis moves to daylight time on 8 March 2026', () => {
    // Friday 16:58 EST; Monday 09:00 is EDT (UTC-4).
    expect(due(office, 'America/Indiana/Indianapolis', '2026-03-06T21:58:00Z')?.dueAt).toEqual(
      utc('2026-03-09T13:03:00Z'),
    );
  });

  it('America/Phoenix does not: the same weekend resumes at 09:00 MST (UTC-7)', () => {
    expect(due(office, 'America/Phoenix', '2026-03-06T23:58:00Z')?.dueAt).toEqual(
      utc('2026-03-09T16:03:00Z'),
    );
  });

  it('Australia/Lord_Howe moves by 30 minutes: the night of 5 April 2026 is 6.5 hours long', () => {
    const night: CallingCalendar = { windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '06:00' }] };
    const [interval] = openIntervals(
      night,
      'Australia/Lord_Howe',
      Date.parse('2026-04-04T12:00:00Z'),
      Date.parse('2026-04-05T00:00:00Z'),
    );
    expect(interval).toEqual({
      start: Date.parse('2026-04-04T13:00:00Z'),
      end: Date.parse('2026-04-04T19:30:00Z'),
    });
    // 05:58 local (+10:30): two minutes tonight, three from the next midnight.
    expect(due(night, 'Australia/Lord_Howe', '2026-04-04T19:28:00Z')?.dueAt).toEqual(
      utc('2026-04-05T13:33:00Z'),
    );
  });
});

describe('no window at all', () => {
  it('has no opening and no due time, rather than looping', () => {
    expect(nextOpening({ windows: [] }, 'Europe/Warsaw', Date.parse('2026-01-14T09:00:00Z'))).toBeNull();
    expect(due({ windows: [] }, 'Europe/Warsaw', '2026-01-14T09:00:00Z')).toBeNull();
  });

  it('names a bad time of day', () => {
    expect(() =>
      due({ windows: [{ days: [1], from: '8am', to: '17:00' }] }, 'Europe/Warsaw', '2026-01-14T09:00:00Z'),
    ).toThrow('"8am" is not a time of day');
  });
});
