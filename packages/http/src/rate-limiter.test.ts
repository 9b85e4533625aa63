import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

describe('rate limiter', () => {
  it('allows the burst, refuses the next with the wait, and refills with time', () => {
    let now = 0;
    const limiter = createRateLimiter(() => now);
    const rate = { perSecond: 2, burst: 3 };
    expect([1, 2, 3].map(() => limiter.take('t', rate).ok)).toEqual([true, true, true]);
    expect(limiter.take('t', rate)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('other', rate).ok).toBe(true);
    now += 500;
    expect(limiter.take('t', rate).ok).toBe(true);
    expect(limiter.take('t', rate).ok).toBe(false);
  });
});
