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
  /** Errors that say nothing about the message (the database is away): retried, never counted. */
  readonly isTransient?: ((error: unknown) => boolean) | undefined;
  /** Called at least every 3 s while waiting to retry (Kafka's heartbeat keeps the group membership). */
  readonly whileWaiting?: (() => Promise<void>) | undefined;
}

const MAX_DELAY_MS = 30_000;
const WAKE_EVERY_MS = 3_000;

/**
 * Runs the handler until it succeeds or has failed `maxAttempts` times, waiting with exponential
 * backoff (at most 30 s) between tries. The message's partition (or ordering key) waits meanwhile,
 * so a retry never overtakes a later message of the same key. Transient failures do not count: a
 * database outage delays messages, it does not dead-letter them.
 */
export async function deliverWithRetries(
  handler: Handler,
  topic: string,
  message: BusMessage,
  options: RetryOptions,
): Promise<DeliveryResult> {
  let reason = '';
  let failures = 0;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) return { kind: 'abandoned' };
    try {
      const outcome = await raceAbort(handler({ topic, message, attempt }), options.signal);
      if (outcome === ABANDONED) return { kind: 'abandoned' };
      return { kind: 'handled' };
    } catch (error) {
      reason = errorReason(error);
      if (!options.isTransient?.(error)) failures += 1;
      if (failures >= options.maxAttempts) return { kind: 'failed', reason, attempts: failures };
    }
    let remaining = Math.min(options.retryDelayMs * 2 ** Math.min(attempt - 1, 16), MAX_DELAY_MS);
    while (remaining > 0) {
      const step = Math.min(remaining, WAKE_EVERY_MS);
      if ((await raceAbort(wait(step), options.signal)) === ABANDONED) return { kind: 'abandoned' };
      remaining -= step;
      await options.whileWaiting?.().catch(() => {});
    }
  }
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
