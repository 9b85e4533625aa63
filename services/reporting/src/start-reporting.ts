import { type Bus, checkedMessage, type Subscription } from '@pronto/bus';
import { compileValidator, LeadEventV1, type ReceivedLeadEventV1 } from '@pronto/contracts';
import { type Database, isDatabaseUnavailable } from '@pronto/db';
import { type LeadFact, REPORTED_EVENTS } from '@pronto/sla';
import type { Logger } from '@pronto/telemetry';
import { countUnscoredLeads } from './count-unscored-leads.ts';
import { applyFactOnce } from './report-store.ts';
import { refreshRollup } from './sla-rollup.ts';

export const REPORTING_GROUP = 'reporting';
const KEEP_PROCESSED_MS = 8 * 86_400_000;
/** How often the SLA rollup sums the hours that ended or changed: until then the report reads their rows. */
const ROLLUP_REFRESH_MS = 30_000;

export interface ReportingDeps {
  db: Database;
  bus: Bus;
  logger: Logger;
  now?: () => Date;
  /** An unscored lead this long after its acceptance is counted with an estimated due time. Default 60 s. */
  redriveAfterMs?: number;
  /** false: no timer of its own; the caller runs `countUnscored()` (tests with a fake clock). Default true. */
  unscoredTimer?: boolean;
}

export interface Reporting {
  /** Counts the leads still unscored after the bound in the SLA report (count-unscored-leads.ts); returns how many. */
  countUnscored(): Promise<number>;
  /** Stops taking lead events, finishing the one in hand. */
  stop(): Promise<void>;
}

const validator = compileValidator(LeadEventV1.schema);

/**
 * The reporting consumer: folds every `lead-events` message into its lead's report row, once (the
 * message id is recorded in the transaction of the change), in the lead's order (the message key).
 */
export async function startReporting(deps: ReportingDeps): Promise<Reporting> {
  const { db, bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const subscription: Subscription = await bus.subscribe({
    topic: LeadEventV1.topic,
    group: REPORTING_GROUP,
    isTransient: isDatabaseUnavailable,
    handler: async ({ message }) => {
      const { id, payload } = checkedMessage(validator, message, 'lead.event v1');
      // A fact no figure depends on: nothing to fold, nothing to record.
      if (!REPORTED_EVENTS.has(payload.event)) return;
      // Applied once: the message id is recorded in the statement that locks the lead's row.
      await db.sql.transaction((tx) => applyFactOnce(tx, leadFactOf(payload), REPORTING_GROUP, id));
      logger.debug({ leadId: payload.leadId, event: payload.event }, 'lead event reported');
    },
  });
  const forget = setInterval(() => {
    db.sql
      .query('DELETE FROM processed_message WHERE consumer = $1 AND processed_at < $2', [
        REPORTING_GROUP,
        new Date(now().getTime() - KEEP_PROCESSED_MS).toISOString(),
      ])
      .catch((error: unknown) => logger.warn({ err: error }, 'could not forget old processed lead events'));
  }, 600_000);
  forget.unref();
  // One refresh at a time: a slow one (after a rebuild, a month of hours) is not started twice.
  let refreshing: Promise<void> | undefined;
  const rollup = setInterval(() => {
    refreshing ??= refreshRollup(db.sql, now(), ({ tenantId, hour, error }) =>
      logger.error(
        { tenantId, hour: hour.toISOString(), code: (error as { code?: string }).code },
        'could not sum an hour of the SLA rollup; it stays unsummed, the other hours were summed',
      ),
    )
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not refresh the SLA rollup'))
      .finally(() => {
        refreshing = undefined;
      });
  }, ROLLUP_REFRESH_MS);
  rollup.unref();
  const afterMs = deps.redriveAfterMs ?? 60_000;
  let counting: Promise<number> | undefined;
  const countUnscored = () => {
    counting ??= countUnscoredLeads({ sql: db.sql, logger, now: now(), afterMs }).finally(() => {
      counting = undefined;
    });
    return counting;
  };
  const unscored =
    deps.unscoredTimer === false
      ? undefined
      : setInterval(
          () =>
            void countUnscored().catch((error: unknown) =>
              logger.warn({ err: error }, 'could not look for unscored leads'),
            ),
          Math.min(10_000, Math.max(1_000, afterMs / 4)),
        );
  unscored?.unref();
  return {
    countUnscored,
    async stop() {
      clearInterval(forget);
      clearInterval(rollup);
      clearInterval(unscored);
      await counting?.catch(() => undefined);
      await refreshing;
      await subscription.close();
    },
  };
}

/** The fact a checked `lead-events` message carries, as the SLA fold takes it. */
export function leadFactOf(payload: ReceivedLeadEventV1['payload']): LeadFact {
  return {
    leadId: payload.leadId,
    tenantId: payload.tenantId,
    campaignId: payload.campaignId,
    event: payload.event,
    at: new Date(payload.at),
    detail: payload.detail,
  };
}
