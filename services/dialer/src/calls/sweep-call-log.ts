import type { Logger } from '@pronto/telemetry';
import type { DatabaseCallLog } from './database-call-log.ts';

export interface CallLogSweepOptions {
  logger: Logger;
  /** A call is forgotten this long after it was placed. */
  keepMs: number;
  /** How often old calls are deleted. */
  everyMs: number;
  now?: () => Date;
}

/**
 * Deletes, now and then every `everyMs`, the calls placed more than `keepMs` ago, batch after batch
 * until none is left: the call log stays as large as a week of calls, not as all of them. A sweep
 * that fails (the database away) is logged and tried again at the next turn.
 */
export function startCallLogSweep(
  log: DatabaseCallLog,
  options: CallLogSweepOptions,
): { stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  let running: Promise<void> | undefined;
  let stopped = false;

  async function sweep(): Promise<void> {
    const before = new Date(now().getTime() - options.keepMs);
    let deleted = 0;
    try {
      for (let batch = await log.sweep(before); batch > 0 && !stopped; batch = await log.sweep(before))
        deleted += batch;
      if (deleted > 0) options.logger.info({ deleted, before }, 'old calls forgotten');
    } catch (error) {
      options.logger.warn({ err: error }, 'old calls not deleted; trying again later');
    }
  }

  const turn = () => {
    if (stopped || running) return;
    running = sweep().finally(() => {
      running = undefined;
    });
  };
  turn();
  const timer = setInterval(turn, options.everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
