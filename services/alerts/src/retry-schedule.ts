/** Waits after each failed delivery, in seconds; the last one repeats. */
export const RETRY_DELAYS_S = [10, 30, 120, 600, 1_800, 3_600, 7_200] as const;
/** An alert no one has taken this long after it was raised is given up (the client has its report). */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/**
 * When to try again after `attempts` failed deliveries of an alert raised at `createdAt`, or null to
 * give up: the next try would come more than a day after the alert, when it no longer helps anyone act.
 */
export function nextAttemptAt(createdAt: Date, attempts: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_S[Math.min(Math.max(attempts, 1), RETRY_DELAYS_S.length) - 1] as number;
  const next = failedAt.getTime() + delay * 1000;
  return next - createdAt.getTime() > GIVE_UP_AFTER_MS ? null : new Date(next);
}
