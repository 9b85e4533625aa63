import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, nextRetry, resolveRetryPolicy } from './retry-policy.ts';

const WEEKDAYS = { windows: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '21:00' }] };
const ALWAYS = { windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] };
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('nextRetry', () => {
  const base = { policy: DEFAULT_RETRY_POLICY, calendar: ALWAYS, zone: 'Europe/Warsaw' };

  it('retries after 60 s, then 120 s, while the SLA can still be met', () => {
    const now = at('2026-03-30T10:00:00Z');
    const dueAt = now + 4 * MIN;
    expect(nextRetry({ ...base, dials: [now - 10_000], dueAt, now })).toMatchObject({
      retryAt: now + MIN,
      delay: 'short',
    });
    expect(nextRetry({ ...base, dials: [now - 70_000, now - 5_000], dueAt, now })).toMatchObject({
      retryAt: now + 2 * MIN,
      delay: 'short',
    });
  });

  it('moves to the cadence (15 min, 1 h, 4 h, next day) once a short delay would pass the due time', () => {
    const now = at('2026-03-30T10:00:00Z');
    const dueAt = now + 30_000;
    expect(nextRetry({ ...base, dials: [now - 5_000], dueAt, now })).toMatchObject({
      retryAt: now + 15 * MIN,
      delay: 'cadence',
    });
    // One dial before the due time, two after it on the cadence: the third retry waits 4 hours.
    const after = [now - 200 * MIN, now - 185 * MIN, now - 60 * MIN];
    expect(nextRetry({ ...base, dials: after, dueAt: now - 199 * MIN, now })).toMatchObject({
      retryAt: now + 4 * 60 * MIN,
    });
  });

  it('expires the lead at the lifetime cap', () => {
    const now = at('2026-03-30T10:00:00Z');
    const dials = Array.from({ length: 6 }, (_, i) => now - (6 - i) * 86_400_000);
    expect(nextRetry({ ...base, dials, dueAt: now, now })).toMatchObject({ expire: 'max_attempts' });
  });

  it('waits for a slot under the 24-hour cap', () => {
    const now = at('2026-03-30T10:00:00Z');
    const dials = [now - 20 * 3_600_000, now - 10 * 3_600_000, now - 5 * 3_600_000, now - MIN];
    const policy = { ...DEFAULT_RETRY_POLICY, cadenceSeconds: [60] };
    const decision = nextRetry({ ...base, policy, dials, dueAt: now - 21 * 3_600_000, now });
    // The oldest of the four falls out of the 24 hours 4 hours from now.
    expect(decision).toMatchObject({ retryAt: now + 4 * 3_600_000 });
  });

  it('moves a retry that falls outside the calling window to the next opening, across the spring change', () => {
    // Friday 27 March 2026, 20:50 in Warsaw (CET); the 15-minute retry falls at 21:05, after the window.
    // The next opening is Monday 30 March 08:00, now CEST (UTC+2): 06:00 UTC.
    const now = at('2026-03-27T19:50:00Z');
    const decision = nextRetry({ ...base, calendar: WEEKDAYS, dials: [now], dueAt: now - MIN, now });
    expect(decision).toMatchObject({
      retryAt: at('2026-03-30T06:00:00Z'),
      why: 'moved to the next calling window',
    });
  });

  it('expires a lead whose calling windows never open', () => {
    const now = at('2026-10-25T10:00:00Z');
    const never = { windows: [{ days: [], from: '08:00', to: '21:00' }] };
    const decision = nextRetry({ ...base, calendar: never, dials: [now], dueAt: now, now });
    expect(decision).toMatchObject({ expire: 'no_calling_window' });
  });

  it('calls at any time for a campaign without calling windows', () => {
    const now = at('2026-10-25T01:30:00Z');
    const decision = nextRetry({
      ...base,
      calendar: { windows: [] },
      dials: [now],
      dueAt: now + 5 * MIN,
      now,
    });
    expect(decision).toMatchObject({ retryAt: now + MIN, delay: 'short' });
  });
});

describe('resolveRetryPolicy', () => {
  it("takes the campaign's valid fields over the defaults and ignores the rest", () => {
    expect(resolveRetryPolicy({ maxAttempts: 3, shortDelaysSeconds: [30], cadenceSeconds: 'often' })).toEqual(
      {
        ...DEFAULT_RETRY_POLICY,
        maxAttempts: 3,
        shortDelaysSeconds: [30],
      },
    );
    expect(resolveRetryPolicy(null)).toEqual(DEFAULT_RETRY_POLICY);
  });
});
