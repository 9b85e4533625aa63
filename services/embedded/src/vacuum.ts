import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';

/**
 * The tables whose rows are updated or deleted all the time: the outbox and the bus log (sent,
 * acknowledged, pruned), agents and attempts (a state change per step), leads.
 */
const BUSY_TABLES = ['outbox', 'bus_offset', 'bus_message', 'agent', 'attempt', 'lead', 'processed_message'];

/**
 * The embedded database has no autovacuum, so dead row versions pile up and every scan of a busy
 * table gets slower the longer the process runs (the relay's query over unsent outbox rows walked
 * thousands of dead index entries after a few minutes of traffic). Vacuuming them every 30 s keeps
 * those scans as short as the live rows.
 */
export function startVacuum(db: Database, logger: Logger, everyMs = 30_000): { stop(): void } {
  if (db.kind !== 'pglite') return { stop() {} };
  const timer = setInterval(() => {
    db.sql
      .exec(`VACUUM ${BUSY_TABLES.join(', ')}`)
      .catch((error: unknown) => logger.warn({ err: error }, 'vacuum failed; trying again later'));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
