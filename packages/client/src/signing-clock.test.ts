import { describe, expect, it } from 'vitest';
import { createSigningClock } from './signing-clock.ts';

describe('createSigningClock', () => {
  const at = Date.UTC(2026, 11, 6, 10, 0, 0);

  it('gives an identical write in the same second a later second, so its signature is new', () => {
    const clock = { ms: at + 100 };
    const timestampFor = createSigningClock(() => clock.ms);
    const first = timestampFor('DELETE', '/v1/dnc/%2B48601234567', '');
    clock.ms += 125; // a retry after a lost answer
    expect(timestampFor('DELETE', '/v1/dnc/%2B48601234567', '')).toBe(first + 1);
    expect(timestampFor('DELETE', '/v1/dnc/%2B48601234567', '')).toBe(first + 2);
    // Once the clock has passed the seconds used, it is the clock's second again.
    clock.ms += 5_000;
    expect(timestampFor('DELETE', '/v1/dnc/%2B48601234567', '')).toBe(first + 5);
  });

  it('leaves reads and different writes at the clock', () => {
    const timestampFor = createSigningClock(() => at);
    const now = at / 1000;
    expect(timestampFor('PUT', '/v1/dnc/1', '{}')).toBe(now);
    expect(timestampFor('PUT', '/v1/dnc/1', '{"reason":"x"}')).toBe(now);
    expect(timestampFor('DELETE', '/v1/dnc/1', '')).toBe(now);
    expect(timestampFor('GET', '/v1/dnc/1', '')).toBe(now);
    expect(timestampFor('GET', '/v1/dnc/1', '')).toBe(now);
  });
});
