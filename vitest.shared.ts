import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files whose outcome cannot depend on which database the suite runs on: the Kafka and Pub/Sub
 * adapters' tests open no database, and the embedded database's thread is PGlite by definition.
 * CI's PostgreSQL pass sets PRONTO_TEST_DATABASE_ONLY=1 and leaves them out, because its first pass
 * (the embedded database) ran them on the same commit; a plain `npm test` always runs them.
 */
const DATABASE_FREE = ['src/kafka/**', 'src/pubsub/**', 'src/pglite-thread.int.test.ts'];

/**
 * Shared by every package. Tests that open a database or start the real process need more than
 * vitest's 5 s on a busy 2-core machine; none of them waits on a timer (clocks are injected).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    exclude: [
      ...configDefaults.exclude,
      ...(process.env.PRONTO_TEST_DATABASE_ONLY === '1' ? DATABASE_FREE : []),
    ],
  },
});
