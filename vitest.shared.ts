import { defineConfig } from 'vitest/config';

/**
 * Shared by every package. Tests that open a database or start the real process need more than
 * vitest's 5 s on a busy 2-core machine; none of them waits on a timer (clocks are injected).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
