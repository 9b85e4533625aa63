import { waitUntilReadyOrExit } from '@pronto/config';
import type { Sql } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { Bus } from './bus.ts';
import { type BusConfig, createBus } from './create-bus.ts';

export interface StartOnBusDeps {
  readonly sql: Sql;
  readonly logger: Logger;
  readonly clientId: string;
  /** See CreateBusDeps.directOutbox. */
  readonly directOutbox?: boolean;
  /** Releases what was opened before (the database) when the process exits. */
  readonly beforeExit?: () => Promise<void>;
  /** An error of `start` that waiting cannot fix (a refused AMI login): exit at once. */
  readonly isPermanent?: (error: unknown) => boolean;
  readonly describe?: (error: unknown) => string;
}

/**
 * For a main.ts: creates the bus and runs `start` on it (the service's subscriptions, which is
 * where a broker that is not ready yet fails), retrying both until PRONTO_START_TIMEOUT_SECONDS.
 * A failed attempt closes its bus, so the next one starts clean. A setting the bus lacks exits at
 * once with the problem on stderr; past the bound the process exits 1 with the last error.
 */
export async function startOnBusOrExit<T>(
  program: string,
  config: BusConfig & { readonly PRONTO_START_TIMEOUT_SECONDS: number },
  deps: StartOnBusDeps,
  start: (bus: Bus) => Promise<T>,
): Promise<{ bus: Bus; started: T }> {
  return waitUntilReadyOrExit(
    program,
    async () => {
      const bus = await createBus(config, deps);
      try {
        return { bus, started: await start(bus) };
      } catch (error) {
        await bus.close().catch(() => undefined);
        throw error;
      }
    },
    {
      what: `the bus (${config.BUS})`,
      logger: deps.logger,
      timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS,
      ...(deps.beforeExit ? { beforeExit: deps.beforeExit } : {}),
      ...(deps.isPermanent ? { isPermanent: deps.isPermanent } : {}),
      ...(deps.describe ? { describe: deps.describe } : {}),
    },
  );
}
