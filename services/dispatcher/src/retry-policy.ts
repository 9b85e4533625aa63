import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '@pronto/contracts';
import { type CallingCalendar, nextOpening } from '@pronto/sla';

export { DEFAULT_RETRY_POLICY, type RetryPolicy };

const DAY_MS = 86_400_000;

const isDelayList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((n) => Number.isInteger(n) && n > 0);
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

/** The campaign's JSON over the defaults; a field that is not valid keeps its default. */
export function resolveRetryPolicy(json: unknown): RetryPolicy {
  const given = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  return {
    shortDelaysSeconds: isDelayList(given.shortDelaysSeconds)
      ? given.shortDelaysSeconds
      : DEFAULT_RETRY_POLICY.shortDelaysSeconds,
    cadenceSeconds: isDelayList(given.cadenceSeconds)
      ? given.cadenceSeconds
      : DEFAULT_RETRY_POLICY.cadenceSeconds,
    maxAttempts: isCount(given.maxAttempts) ? given.maxAttempts : DEFAULT_RETRY_POLICY.maxAttempts,
    maxAttemptsPer24h: isCount(given.maxAttemptsPer24h)
      ? given.maxAttemptsPer24h
      : DEFAULT_RETRY_POLICY.maxAttemptsPer24h,
  };
}

export interface RetryInput {
  readonly policy: RetryPolicy;
  /** Dial times of this lead so far, the one that just failed included (epoch ms). */
  readonly dials: readonly number[];
  readonly dueAt: number;
  readonly now: number;
  readonly calendar: CallingCalendar;
  readonly zone: string;
}

export type RetryDecision =
  | { readonly retryAt: number; readonly delay: 'short' | 'cadence'; readonly why: string }
  | { readonly expire: 'max_attempts' | 'no_calling_window'; readonly why: string };

/**
 * When to dial a lead again after a dial that did not reach the person: the short delays while the
 * SLA can still be met, then the longer cadence; never past the attempt caps; always inside the
 * calling window in the lead's zone.
 */
export function nextRetry(input: RetryInput): RetryDecision {
  const { policy, dials, dueAt, now } = input;
  if (dials.length >= policy.maxAttempts) {
    return { expire: 'max_attempts', why: `${dials.length} of ${policy.maxAttempts} dials made` };
  }
  const dialsBeforeDue = dials.filter((at) => at <= dueAt).length;
  const shortIndex = dialsBeforeDue - 1;
  const shortDelay = policy.shortDelaysSeconds[shortIndex];
  let retryAt: number;
  let delay: 'short' | 'cadence';
  if (shortDelay !== undefined && now + shortDelay * 1_000 <= dueAt) {
    retryAt = now + shortDelay * 1_000;
    delay = 'short';
  } else {
    // Dials after the first one that were short retries; the others used the cadence in turn.
    const shortUsed = Math.min(Math.max(dialsBeforeDue - 1, 0), policy.shortDelaysSeconds.length);
    const cadenceIndex = dials.length - 1 - shortUsed;
    const cadence = policy.cadenceSeconds;
    const step = cadence[Math.min(Math.max(cadenceIndex, 0), cadence.length - 1)] ?? 86_400;
    retryAt = now + step * 1_000;
    delay = 'cadence';
  }
  // The daily cap: the dial that falls out of the last 24 h frees a slot.
  const recent = dials.filter((at) => at > retryAt - DAY_MS).sort((a, b) => a - b);
  if (recent.length >= policy.maxAttemptsPer24h) {
    const oldest = recent[recent.length - policy.maxAttemptsPer24h];
    if (oldest !== undefined) retryAt = Math.max(retryAt, oldest + DAY_MS);
  }
  // A campaign without calling windows may call at any time (as the gates and scoring treat it).
  const opening =
    input.calendar.windows.length === 0 ? retryAt : nextOpening(input.calendar, input.zone, retryAt);
  if (opening === null) return { expire: 'no_calling_window', why: 'no calling window opens within a year' };
  return {
    retryAt: opening,
    delay,
    why: opening > retryAt ? 'moved to the next calling window' : `${delay} delay`,
  };
}
