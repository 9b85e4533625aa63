import type { BusMessage, Handler } from './bus.ts';
import { errorReason } from './dead-letter.ts';

export type DeliveryResult =
  | { readonly kind: 'handled' }
  | { readonly kind: 'failed'; readonly reason: string; readonly attempts: number }
  | { readonly kind: 'abandoned' };

export interface RetryOptions {
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  /** Aborted when the consumer stops without draining: no more tries, nothing acknowledged. */
  readonly signal: AbortSignal;
}

/**
 * Runs the handler until it succeeds or has failed `maxAttempts` times, waiting with exponential
 * backoff between tries. The message's partition (or ordering key) waits meanwhile, so a retry
 * never overtakes a later message of the same key.
 */
export async function deliverWithRetries(
  handler: Handler,
  topic: string,
  message: BusMessage,
  options: RetryOptions,
): Promise<DeliveryResult> {
  let reason = '';
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    if (options.signal.aborted) return { kind: 'abandoned' };
    try {
      const outcome = await raceAbort(handler({ topic, message, attempt }), options.signal);
      if (outcome === ABANDONED) return { kind: 'abandoned' };
      return { kind: 'handled' };
    } catch (error) {
      reason = errorReason(error);
    }
    if (attempt < options.maxAttempts) {
      const delay = Math.min(options.retryDelayMs * 2 ** (attempt - 1), 30_000);
      if ((await raceAbort(wait(delay), options.signal)) === ABANDONED) return { kind: 'abandoned' };
    }
  }
  return { kind: 'failed', reason, attempts: options.maxAttempts };
}

const ABANDONED = Symbol('abandoned');

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABANDONED> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.resolve(ABANDONED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABANDONED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
