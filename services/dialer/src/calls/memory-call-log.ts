import type { CallLog, PlacedCall } from './call-log.ts';

/** Attempts remembered by a call log in memory; the oldest are forgotten first. */
const REMEMBER_CALLS = 10_000;

/**
 * A call log held in memory: one attempt, one call for as long as the process lives and the attempt
 * is among the last 10,000. For a dialer without a database of its own (tests, benchmarks); the
 * dialer service uses the database's (`databaseCallLog`).
 */
export function memoryCallLog(limit = REMEMBER_CALLS): CallLog {
  const calls = new Map<string, PlacedCall>();
  return {
    async place(attemptId) {
      const earlier = calls.get(attemptId);
      if (earlier) return earlier;
      calls.set(attemptId, { endedAt: null, outcome: null });
      if (calls.size > limit) calls.delete(calls.keys().next().value as string);
      return undefined;
    },
    async end(attemptId, outcome, at) {
      if (calls.get(attemptId)?.endedAt === null) calls.set(attemptId, { endedAt: at, outcome });
    },
  };
}
