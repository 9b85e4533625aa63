import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS, parseRetryAfter, retryDelay } from './retry-delay.ts';

const now = Date.UTC(2026, 10, 23, 10, 0, 0);

describe('retryDelay', () => {
  it('doubles from 250 ms with full jitter and stops growing at 30 s', () => {
    const top = (retry: number) =>
      retryDelay({ retry, retryAfter: null, nowMs: now, random: () => 0.999999 });
    expect([1, 2, 3, 4].map(top)).toEqual([249, 499, 999, 1999]);
    expect(top(20)).toBe(MAX_DELAY_MS - 1);
    expect(retryDelay({ retry: 3, retryAfter: null, nowMs: now, random: () => 0 })).toBe(0);
  });

  it("follows Pronto's Retry-After, in seconds or as an HTTP date", () => {
    expect(retryDelay({ retry: 1, retryAfter: '5', nowMs: now, random: () => 0.5 })).toBe(5000);
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfter(new Date(now - 7000).toUTCString(), now)).toBe(0);
  });

  it('ignores a Retry-After it cannot read', () => {
    expect(parseRetryAfter('2.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});
