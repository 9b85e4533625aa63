import { type Database, isDatabaseUnavailable, type SqlQueryable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { SecretBox } from '@pronto/tenancy';
import { type SendResult, sendDueAlerts } from './send-alerts.ts';
import { sweepAttainment } from './sweep-attainment.ts';
import { sweepBreaches } from './sweep-breaches.ts';

/** Finished alerts are kept this long (what was sent, when, and the receiver's answer), then deleted. */
export const KEEP_ALERTS_MS = 30 * 86_400_000;
const FORGET_EVERY_MS = 3_600_000;

/**
 * Deletes alerts delivered or given up more than KEEP_ALERTS_MS ago. Safe for the dedupe: a breach is
 * looked for an hour after its due time, and an attainment alert's key names its episode.
 */
export async function forgetOldAlerts(sql: SqlQueryable, now: Date): Promise<void> {
  await sql.query('DELETE FROM alert_delivery WHERE next_attempt_at IS NULL AND created_at < $1', [
    new Date(now.getTime() - KEEP_ALERTS_MS).toISOString(),
  ]);
}

export interface AlertsDeps {
  db: Database;
  secretBox: SecretBox;
  logger: Logger;
  now?: () => Date;
  /**
   * Between the end of one round (sweep, then send) and the next (default 3 s); 0: no timer, the
   * caller runs the rounds (tests, with their fake clock).
   */
  intervalMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Per POST (default 5 s). */
  timeoutMs?: number;
}

export interface Alerts {
  /** Raises the alerts due at `now` (breached leads, attainment crossings); returns how many. */
  sweepOnce(now?: Date): Promise<number>;
  /** POSTs the alerts due at `now`, retries included. */
  sendOnce(now?: Date): Promise<SendResult>;
  /** Stops the timer, finishing the round in hand. */
  stop(): Promise<void>;
}

/**
 * Breach alerts: every few seconds, find what to alert and send what is due. Everything the rounds
 * need is in the database (alerts, their next attempt, each campaign's state), so a restart carries on
 * where the last process stopped, and several instances can run side by side.
 */
export function startAlerts(deps: AlertsDeps): Alerts {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ component: 'alerts' });
  const sender = {
    db: deps.db,
    secretBox: deps.secretBox,
    logger,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
  };
  const alerts: Alerts = {
    async sweepOnce(at = now()) {
      return (
        (await sweepBreaches(deps.db.sql, at, logger)) + (await sweepAttainment(deps.db.sql, at, logger))
      );
    },
    sendOnce: (at = now()) => sendDueAlerts(sender, at),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
    },
  };
  let forgotten = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  const intervalMs = deps.intervalMs ?? 3_000;
  const arm = () => {
    if (stopped || intervalMs === 0) return;
    timer = setTimeout(() => {
      round = (async () => {
        try {
          await alerts.sweepOnce();
          await alerts.sendOnce();
          if (now().getTime() - forgotten > FORGET_EVERY_MS) {
            forgotten = now().getTime();
            await forgetOldAlerts(deps.db.sql, now());
          }
        } catch (error) {
          // The next round tries again: nothing is lost, the state is in the database.
          if (isDatabaseUnavailable(error)) logger.warn({ err: error }, 'alerts: database unavailable');
          else logger.error({ err: error }, 'alerts round failed');
        }
      })().finally(arm);
    }, intervalMs);
  };
  arm();
  return alerts;
}
