import { type Bus, type OutboxRelay, type Subscription, startOutboxRelay } from '@pronto/bus';
import { compileValidator, IntentReceivedV1 } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { scoreIntent } from './score-intent.ts';

export const SCORING_GROUP = 'scoring';
/** The topics whose outbox rows scoring publishes. */
export const SCORING_TOPICS = ['leads', 'lead-events'] as const;

export interface ScoringDeps {
  db: Database;
  bus: Bus;
  logger: Logger;
  now?: () => Date;
}

export interface Scoring {
  readonly relay: OutboxRelay;
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
      handler: async ({ message }) => {
        const checked = validator.validate(message);
        if (!checked.ok) {
          // Retrying cannot fix a message that breaks its contract: straight to the dead letters.
          throw new Error(
            `not a valid ${IntentReceivedV1.type} v1: ${JSON.stringify(checked.errors.slice(0, 3))}`,
          );
        }
        const intent = checked.value;
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
  return {
    relay,
    async stop() {
      await subscription?.close();
      await relay.flush();
      await relay.stop();
    },
  };
}
