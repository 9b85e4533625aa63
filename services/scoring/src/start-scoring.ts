import { type Bus, checkedMessage, type OutboxRelay, type Subscription, startOutboxRelay } from '@pronto/bus';
import { compileValidator, IntentReceivedV1 } from '@pronto/contracts';
import { type Database, isDatabaseUnavailable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { redriveUnscoredLeads } from './redrive-unscored-leads.ts';
import { scoreIntent } from './score-intent.ts';

export const SCORING_GROUP = 'scoring';
/** The topics whose outbox rows scoring publishes. */
export const SCORING_TOPICS = ['leads', 'lead-events'] as const;
const KEEP_PROCESSED_MS = 8 * 86_400_000;
/** PRONTO_REDRIVE_AFTER_SECONDS's default. */
export const DEFAULT_REDRIVE_AFTER_MS = 60_000;

export interface ScoringDeps {
  db: Database;
  bus: Bus;
  logger: Logger;
  now?: () => Date;
  /** A lead still unscored this long after its acceptance is scored from its stored intent. Default 60 s. */
  redriveAfterMs?: number;
  /** false: no timer of its own; the caller runs `redrive()` (tests with a fake clock). Default true. */
  redriveTimer?: boolean;
}

export interface Scoring {
  readonly relay: OutboxRelay;
  /** Scores the leads whose intent never arrived within the bound (see redriveUnscoredLeads); returns how many. */
  redrive(): Promise<number>;
  /** Stops taking intents (finishing the one in hand), then publishes what it wrote, then stops the relay. */
  stop(): Promise<void>;
}

const validator = compileValidator(IntentReceivedV1.schema);

/**
 * The scoring service: consumes `intents`, applies each once (the message id is recorded with the
 * effect), and relays the `leads` and `lead-events` messages it wrote.
 */
export async function startScoring(deps: ScoringDeps): Promise<Scoring> {
  const { db, bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const relay = startOutboxRelay({
    sql: db.sql,
    bus,
    logger,
    topics: SCORING_TOPICS,
    exclusive: db.kind === 'postgres',
  });
  let subscription: Subscription | undefined;
  try {
    subscription = await bus.subscribe({
      topic: IntentReceivedV1.topic,
      group: SCORING_GROUP,
      // While the database is away, intents wait (in order) rather than going to the dead letters.
      isTransient: isDatabaseUnavailable,
      handler: async ({ message }) => {
        const intent = checkedMessage(validator, message, `${IntentReceivedV1.type} v1`);
        // Applied once: scoreIntent records the message id in the transaction of its effect.
        const outcome = await db.sql.transaction((tx) => scoreIntent(tx, intent, now(), SCORING_GROUP));
        if (outcome !== 'duplicate') relay.wake();
        logger.debug({ leadId: intent.payload.leadId, outcome }, 'intent scored');
      },
    });
  } catch (error) {
    await relay.stop();
    throw error;
  }
  // Message ids are kept longer than any bus redelivers (Kafka's and the in-process log's 7 days).
  const forget = setInterval(() => {
    db.sql
      .query('DELETE FROM processed_message WHERE consumer = $1 AND processed_at < $2', [
        SCORING_GROUP,
        new Date(now().getTime() - KEEP_PROCESSED_MS).toISOString(),
      ])
      .catch((error: unknown) => logger.warn({ err: error }, 'could not forget old processed intents'));
  }, 600_000);
  forget.unref();
  const redriveAfterMs = deps.redriveAfterMs ?? DEFAULT_REDRIVE_AFTER_MS;
  let redriving: Promise<number> | undefined;
  const redrive = () => {
    redriving ??= redriveUnscoredLeads({
      sql: db.sql,
      logger,
      consumer: SCORING_GROUP,
      now: now(),
      afterMs: redriveAfterMs,
    })
      .then((scored) => {
        if (scored > 0) relay.wake();
        return scored;
      })
      .finally(() => {
        redriving = undefined;
      });
    return redriving;
  };
  // Looked for often enough that a lost intent is scored at most a few seconds after the bound.
  const sweep =
    deps.redriveTimer === false
      ? undefined
      : setInterval(
          () =>
            void redrive().catch((error: unknown) =>
              logger.warn({ err: error }, 'could not look for unscored leads'),
            ),
          Math.min(10_000, Math.max(1_000, redriveAfterMs / 4)),
        );
  sweep?.unref();
  return {
    relay,
    redrive,
    async stop() {
      clearInterval(forget);
      clearInterval(sweep);
      await redriving?.catch(() => undefined);
      await subscription?.close();
      // Publish what was written, but do not hang on a bus that is away: the rows stay in the
      // outbox and the next start publishes them.
      await Promise.race([relay.flush(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await relay.stop();
    },
  };
}
