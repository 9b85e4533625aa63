import { ConfigError } from './load-config.ts';

/** The little of a logger that waiting needs (a pino logger fits). */
export interface StartLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface WaitOptions {
  /** What is waited for, as an operator reads it: "PostgreSQL", "the bus (kafka)". */
  readonly what: string;
  /** The bound: past it no attempt is started and the last error is given up with. */
  readonly timeoutMs: number;
  readonly logger: StartLogger;
  /** Milliseconds since any fixed point; injected so tests run on a fake clock. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Pause after the first failed attempt; doubled after each further one, up to `maxDelayMs`. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  /** An error no wait can fix (a bad setting, a refused login): thrown at once. ConfigError always is. */
  readonly isPermanent?: (error: unknown) => boolean;
}

/** What `waitUntilReady` throws once the bound has passed; `cause` is the last attempt's error. */
export class GaveUpWaiting extends Error {
  constructor(
    readonly what: string,
    readonly attempts: number,
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `gave up waiting for ${what} after ${Math.round(waitedMs / 1_000)} s and ${attempts} attempts: ${reasonOf(cause)}`,
    );
    this.name = 'GaveUpWaiting';
  }
}

/**
 * Runs `attempt` until it resolves, pausing between failures (250 ms doubling to 5 s by default)
 * and logging each failure with what is waited for, the attempt number and the reason. Services
 * started all at once find their database or broker not ready yet (a fresh Kafka answers
 * UNKNOWN_TOPIC_OR_PARTITION and REQUEST_TIMED_OUT while it elects leaders): that is a wait, not a
 * crash. After `timeoutMs` it throws GaveUpWaiting with the last error; an attempt is never
 * started past the bound, and the last pause is cut short so that one is tried right at it.
 */
export async function waitUntilReady<T>(
  attempt: (number: number) => Promise<T>,
  options: WaitOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const firstDelayMs = options.firstDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const { what, logger } = options;
  const startedAt = now();
  for (let number = 1; ; number++) {
    try {
      const value = await attempt(number);
      if (number > 1) logger.info({ waitingFor: what, attempt: number }, `${what} is ready`);
      return value;
    } catch (error) {
      if (error instanceof ConfigError || options.isPermanent?.(error)) throw error;
      const waitedMs = now() - startedAt;
      const leftMs = options.timeoutMs - waitedMs;
      if (leftMs <= 0) throw new GaveUpWaiting(what, number, waitedMs, error);
      const retryInMs = Math.min(firstDelayMs * 2 ** (number - 1), maxDelayMs, leftMs);
      logger.warn(
        { waitingFor: what, attempt: number, retryInMs, reason: reasonOf(error) },
        `waiting for ${what}`,
      );
      await sleep(retryInMs);
    }
  }
}

/** An error's class, code and message: never its stack, never a query or its parameters. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown; type?: unknown }).type ?? (error as { code?: unknown }).code;
  const name = error.name === 'Error' ? '' : `${error.name}: `;
  const message = error.message || (error instanceof AggregateError ? reasonOf(error.errors[0]) : '');
  return `${name}${message}${typeof code === 'string' && !message.includes(code) ? ` (${code})` : ''}`;
}
