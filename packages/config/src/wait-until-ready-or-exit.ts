import { ConfigError } from './load-config.ts';
import {
  GaveUpWaiting,
  reasonOf,
  type StartLogger,
  type WaitOptions,
  waitUntilReady,
} from './wait-until-ready.ts';

const STILL_WAITING_EVERY_MS = 5_000;

export interface WaitOrExitOptions extends Omit<WaitOptions, 'timeoutMs' | 'logger'> {
  readonly logger: StartLogger & { error(fields: object, message: string): void };
  /** PRONTO_START_TIMEOUT_SECONDS. */
  readonly timeoutSeconds: number;
  /** Releases what was opened before (the database, a lock) before the process exits. */
  readonly beforeExit?: () => Promise<void>;
  /** How a permanent error reads on stderr after "<program>: "; its message by default. */
  readonly describe?: (error: unknown) => string;
}

/**
 * For a main.ts: `waitUntilReady`, or one line on stderr and exit code 1. The bound is a hard one:
 * an attempt still hanging at it (a broker that accepts connections but never answers) does not
 * hold the process past it.
 */
export async function waitUntilReadyOrExit<T>(
  program: string,
  attempt: (number: number) => Promise<T>,
  options: WaitOrExitOptions,
): Promise<T> {
  const timeoutMs = options.timeoutSeconds * 1_000;
  let attempts = 0;
  let lastError: unknown;
  const exit = async (message: string): Promise<never> => {
    process.stderr.write(`${program}: ${message}\n`);
    await options.beforeExit?.().catch(() => undefined);
    process.exit(1);
  };
  // An attempt can hang rather than fail (a gRPC channel to a Pub/Sub emulator that is not up, a
  // Kafka client retrying inside): say meanwhile that the process is waiting, and for what.
  const startedAt = Date.now();
  const ticker = setInterval(() => {
    options.logger.warn(
      {
        waitingFor: options.what,
        attempt: attempts,
        waitedSeconds: Math.round((Date.now() - startedAt) / 1_000),
        ...(lastError === undefined ? {} : { reason: reasonOf(lastError) }),
      },
      `still waiting for ${options.what}`,
    );
  }, STILL_WAITING_EVERY_MS);
  const hardStop = setTimeout(() => {
    const reason = lastError === undefined ? 'no answer yet' : reasonOf(lastError);
    options.logger.error(
      { waitingFor: options.what, attempt: attempts, timeoutSeconds: options.timeoutSeconds, reason },
      `gave up waiting for ${options.what}`,
    );
    void exit(
      `gave up waiting for ${options.what} after ${options.timeoutSeconds} s (PRONTO_START_TIMEOUT_SECONDS; attempt ${attempts} still running): ${reason}`,
    );
  }, timeoutMs + 1_000);
  try {
    return await waitUntilReady(
      async (number) => {
        attempts = number;
        try {
          return await attempt(number);
        } catch (error) {
          lastError = error;
          throw error;
        }
      },
      { ...options, timeoutMs },
    );
  } catch (error) {
    if (error instanceof GaveUpWaiting) {
      options.logger.error(
        {
          waitingFor: error.what,
          attempt: error.attempts,
          timeoutSeconds: options.timeoutSeconds,
          reason: reasonOf(error.cause),
        },
        `gave up waiting for ${error.what}`,
      );
      return await exit(`${error.message} (PRONTO_START_TIMEOUT_SECONDS=${options.timeoutSeconds})`);
    }
    if (error instanceof ConfigError) return await exit(error.message);
    if (options.isPermanent?.(error))
      return await exit(options.describe?.(error) ?? (error as Error).message);
    throw error;
  } finally {
    clearTimeout(hardStop);
    clearInterval(ticker);
  }
}
