import { DEFAULT_RETRY_POLICY, resolveProfile } from '@pronto/contracts';
import { describe, expect, it } from 'vitest';
import { isCalendarDate, localHours, sameWeekdaysBefore } from './local-hours.ts';
import { attemptsWithinSla } from './staffing-advice.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the hours of a local date', () => {
  it('has 24 hours on an ordinary day, from local midnight to the next', () => {
    const hours = localHours('2026-12-07', 'Europe/Warsaw');
    expect(hours.map((hour) => hour.hour)).toEqual(Array.from({ length: 24 }, (_, hour) => hour));
    expect(iso(hours[0]?.from as number)).toBe('2026-12-06T23:00:00.000Z');
    expect(iso(hours[23]?.to as number)).toBe('2026-12-07T23:00:00.000Z');
  });

  it('has 23 hours the day Warsaw springs forward (02:00 never happens) and 25 the day it falls back (02:00 twice)', () => {
    const spring = localHours('2026-03-29', 'Europe/Warsaw');
    expect(spring.map((hour) => hour.hour)).toEqual([0, 1, ...Array.from({ length: 21 }, (_, n) => n + 3)]);
    const autumn = localHours('2026-10-25', 'Europe/Warsaw');
    expect(autumn.map((hour) => hour.hour)).toEqual([
      0,
      1,
      2,
      2,
      ...Array.from({ length: 21 }, (_, n) => n + 3),
    ]);
    for (const day of [spring, autumn]) for (const hour of day) expect(hour.to - hour.from).toBe(3_600_000);
  });

  it('finds the same weekday of past weeks at its own local midnight, across a clock change', () => {
    const [week1, week2] = sameWeekdaysBefore('2026-04-06', 'Europe/Warsaw', 2);
    // 30 March is in summer time (UTC+2), 23 March in winter time (UTC+1).
    expect(iso(week1?.from as number)).toBe('2026-03-29T22:00:00.000Z');
    expect(iso(week2?.from as number)).toBe('2026-03-22T23:00:00.000Z');
    expect(iso(week2?.to as number)).toBe('2026-03-23T23:00:00.000Z');
  });

  it('takes only real calendar dates', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2000-01-01')).toBe(true);
    // Year 0000 and its weeks before are dates PostgreSQL cannot read: refused as a field, not a 500.
    for (const text of [
      '2026-02-30',
      '2026-2-3',
      '20260228',
      '2026-02-28T10:00',
      'today',
      '0000-01-01',
      '1999-12-31',
      '2200-01-01',
    ])
      expect(isCalendarDate(text)).toBe(false);
  });
});

describe('dials within the SLA', () => {
  const profile = resolveProfile(undefined);
  it('counts the first dial and each short retry that starts by the target, after a dial that rang out', () => {
    // 0 s; 32 s ringing out + 60 s = 92 s; + 32 s + 120 s = 244 s.
    expect(attemptsWithinSla(DEFAULT_RETRY_POLICY, profile, 285)).toBe(3);
    expect(attemptsWithinSla(DEFAULT_RETRY_POLICY, profile, 200)).toBe(2);
    expect(attemptsWithinSla(DEFAULT_RETRY_POLICY, profile, 60)).toBe(1);
    expect(attemptsWithinSla({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 }, profile, 285)).toBe(2);
  });
});
