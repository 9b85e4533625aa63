import { describe, expect, it } from 'vitest';
import { createSignInThrottle } from './sign-in-throttle.ts';

function throttleAt() {
  let ms = Date.UTC(2026, 11, 6, 9, 0, 0);
  const throttle = createSignInThrottle({ now: () => new Date(ms) });
  return { throttle, advance: (by: number) => (ms += by) };
}

describe('createSignInThrottle', () => {
  it('counts a username in any case as one account, and forgets failures 15 minutes old', () => {
    const { throttle, advance } = throttleAt();
    for (let i = 0; i < 5; i++) throttle.failed('Anna', '10.0.0.1');
    expect(throttle.waitMs('anna ', '10.0.0.1')).toBe(1_000);
    advance(15 * 60_000 + 1);
    expect(throttle.waitMs('anna', '10.0.0.1')).toBe(0);
    throttle.failed('anna', '10.0.0.1');
    expect(throttle.waitMs('anna', '10.0.0.1')).toBe(0);
  });

  it('holds an address it has not seen sign in after 20 failures from elsewhere, but not the desk that signed in', () => {
    const { throttle } = throttleAt();
    throttle.succeeded('anna', '10.0.0.1');
    for (let i = 0; i < 20; i++) throttle.failed('anna', `203.0.113.${i}`);
    expect(throttle.waitMs('anna', '10.0.0.1')).toBe(0);
    expect(throttle.waitMs('anna', '10.0.0.2')).toBe(1_000);
    expect(throttle.waitMs('bob', '10.0.0.2')).toBe(0);
  });
});
