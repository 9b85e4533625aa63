import { PubSub } from '@google-cloud/pubsub';
import type { Logger } from '@pronto/telemetry';
import {
  type Bus,
  type BusMessage,
  deadLetterTopic,
  type SubscribeOptions,
  type Subscription,
} from '../bus.ts';
import { errorReason } from '../dead-letter.ts';
import { Provisioner } from './provisioner.ts';
import { startConsumer } from './pubsub-consumer.ts';

export interface PubSubBusOptions {
  readonly projectId: string;
  readonly logger: Logger;
  /** host:port of the API; by default the client's own (PUBSUB_EMULATOR_HOST when set). */
  readonly apiEndpoint?: string;
  /** How long a message held by a consumer that died stays hidden from its group. Default 10 s, the least Pub/Sub allows. */
  readonly ackDeadlineSeconds?: number;
  /**
   * Topic -> consumer groups whose subscriptions are created before the first publish to the
   * topic: Pub/Sub drops what is published to a topic nobody subscribes to yet.
   */
  readonly provision?: Readonly<Record<string, readonly string[]>>;
  /**
   * Pub/Sub's ordering keys: one key's messages in the order published. Default true. The emulator
   * loses messages with ordering on when a subscriber dies without closing its stream (kill -9: the
   * emulator throws NoSuchMethodError in its gRPC close handler and never hands the key's outstanding
   * messages out again; 7 of 60 lost in one probe, none with ordering off), so createBus turns it off
   * there. Without it every message is still delivered at least once, each consumer still handles one
   * key's messages one at a time, and Pronto's consumers keep their effects right without the order:
   * see docs/architecture.md "Delivery and ordering".
   */
  readonly messageOrdering?: boolean;
}

/** The group whose subscription keeps every dead-letter topic's messages until someone looks. */
const INSPECT_GROUP = 'inspect';
/** gRPC NOT_FOUND. */
const NOT_FOUND = 5;

/**
 * The bus on Google Pub/Sub: a topic per bus topic, a subscription per consumer group (its members
 * share the streaming pull, so they share the work), ordering keys for order per key, and acks only
 * after the handler has resolved. Retries happen in the consumer, so a subscription needs no
 * dead-letter policy of its own.
 */
export function createPubSubBus(options: PubSubBusOptions): Bus {
  const { logger } = options;
  const ackDeadlineSeconds = options.ackDeadlineSeconds ?? 10;
  const pubsub = new PubSub({
    projectId: options.projectId,
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
  });
  const messageOrdering = options.messageOrdering ?? true;
  const provisioner = new Provisioner(pubsub, logger, ackDeadlineSeconds, messageOrdering);
  const subscriptions = new Set<Subscription>();
  let closed = false;

  async function publish(topicName: string, messages: readonly BusMessage[]): Promise<void> {
    if (closed) throw new Error('the bus is closed');
    if (messages.length === 0) return;
    const [topic] = await Promise.all([
      provisioner.topic(topicName),
      ...(options.provision?.[topicName] ?? []).map((group) => provisioner.subscription(group, topicName)),
    ]);
    // Called in order without awaiting in between: the client batches them and keeps the order per key.
    const results = await Promise.allSettled(
      // async: a message the client rejects before sending fails like the others, not the whole call.
      messages.map(async (message) =>
        topic.publishMessage({
          data: Buffer.from(JSON.stringify(message)),
          ...(messageOrdering ? { orderingKey: message.key } : {}),
          // The key rides along without ordering too: a consumer still handles one key at a time.
          attributes: { type: message.type, id: message.id, key: message.key },
        }),
      ),
    );
    const failed = messages.filter((_, index) => results[index]?.status === 'rejected');
    if (failed.length === 0) return;
    // After a failure the client pauses the key and rejects everything later with it until resumed.
    for (const key of new Set(failed.map((message) => message.key))) topic.resumePublishing(key);
    const first = results.find((result) => result.status === 'rejected');
    // Deleted behind our back: create it again on the next publish instead of failing forever.
    if ((first?.reason as { code?: unknown } | undefined)?.code === NOT_FOUND) provisioner.forget(topicName);
    logger.error(
      {
        topic: topicName,
        reason: errorReason(first?.reason),
        messageIds: failed.map((message) => message.id),
      },
      'pubsub publish failed',
    );
    throw first?.reason;
  }

  async function subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
    if (closed) throw new Error('the bus is closed');
    const { topic, group } = subscribeOptions;
    const deadLetters = deadLetterTopic(topic);
    const [subscriptionId] = await Promise.all([
      subscribeOptions.ephemeral
        ? provisioner.ephemeralSubscription(group, topic)
        : provisioner.subscription(group, topic),
      // Ready before the first failure, so no dead letter is published to a topic nobody keeps.
      provisioner.subscription(INSPECT_GROUP, deadLetters),
    ]);
    const consumer = await startConsumer({
      pubsub,
      subscriptionId,
      subscribe: subscribeOptions,
      ackDeadlineSeconds,
      logger,
      publishDeadLetter: (letter) => publish(deadLetters, [letter]),
    });
    const subscription: Subscription = {
      async close(closeOptions) {
        if (!subscriptions.delete(subscription)) return;
        await consumer.close(closeOptions);
        if (subscribeOptions.ephemeral)
          await pubsub
            .subscription(subscriptionId)
            .delete()
            .catch((error: unknown) => {
              logger.warn(
                { topic, group, reason: errorReason(error) },
                'pubsub subscription not deleted; it expires',
              );
            });
      },
    };
    subscriptions.add(subscription);
    logger.debug({ topic, group, subscription: subscriptionId }, 'pubsub consumer started');
    return subscription;
  }

  return {
    kind: 'pubsub',
    publish,
    subscribe,
    async close() {
      if (closed) return;
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      closed = true;
      await pubsub.close().catch((error: unknown) => {
        logger.warn({ reason: errorReason(error) }, 'pubsub client did not close cleanly');
      });
    },
  };
}
