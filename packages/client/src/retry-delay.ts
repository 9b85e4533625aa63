/** The first backoff step; each retry doubles it. */
export const BASE_DELAY_MS = 250;
/** Backoff never waits longer than this (a Retry-After from Pronto may). */
export const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before retry number `retry` (1 for the first retry). Pronto's Retry-After wins when
 * present, because it knows when it will have capacity again; otherwise exponential backoff with full
 * jitter, so that many clients that failed at the same moment do not come back at the same moment.
 */
export function retryDelay(input: {
  retry: number;
  retryAfter: string | null | undefined;
  nowMs: number;
  random: () => number;
}): number {
  return (
    parseRetryAfter(input.retryAfter, input.nowMs) ??
    Math.floor(input.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (input.retry - 1)))
  );
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Date.parse('2') is a valid date to V8; an HTTP date always names a day or month in letters.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
