import { setMaxListeners } from 'node:events';
import { Duration, type Message, type PubSub, type SubscriberOptions } from '@google-cloud/pubsub';
import type { Logger } from '@pronto/telemetry';
import {
  type BusMessage,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
  type SubscribeOptions,
  type Subscription,
} from '../bus.ts';
import { deadLetter, errorReason } from '../dead-letter.ts';
import { deliverWithRetries } from '../deliver-with-retries.ts';

export interface ConsumerOptions {
  readonly pubsub: PubSub;
  readonly subscriptionId: string;
  readonly subscribe: SubscribeOptions;
  readonly ackDeadlineSeconds: number;
  readonly logger: Logger;
  /** Puts the envelope of a message that kept failing on the topic's dead-letter topic. */
  readonly publishDeadLetter: (letter: BusMessage) => Promise<void>;
}

/** The messages of one ordering key held by this consumer, handled one after another. */
interface Lane {
  tail: Promise<void>;
  /** A message of the key went back to Pub/Sub: the ones queued behind it must follow, not overtake it. */
  released: boolean;
}

/** Messages one member holds at once (being handled or waiting behind their key). */
const MAX_HELD_MESSAGES = 100;

/** The longest a draining close waits for handlers; the client caps it at its lease extension limit. */
const DRAIN_TIMEOUT = Duration.from({ minutes: 60 });

/**
 * One member of a consumer group: a streaming pull on the group's subscription. Pub/Sub delivers
 * a key's messages in order but does not wait for one to be handled before sending the next, so
 * each key gets a lane here; different keys are handled concurrently.
 */
export async function startConsumer(options: ConsumerOptions): Promise<Subscription> {
  const { pubsub, logger } = options;
  const { topic, group, handler } = options.subscribe;
  const abandon = new AbortController();
  // Every key being handled listens on it; there can be as many as the client's flow control lets in.
  setMaxListeners(0, abandon.signal);
  const retry = {
    maxAttempts: options.subscribe.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryDelayMs: options.subscribe.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
    signal: abandon.signal,
    isTransient: options.subscribe.isTransient,
  };
  // Pinned so the client's lease extension never stretches how long a dead consumer's messages
  // stay hidden from the rest of the group.
  const deadline = Duration.from({ seconds: options.ackDeadlineSeconds });
  const subscriberOptions: SubscriberOptions = {
    minAckDeadline: deadline,
    maxAckDeadline: deadline,
    // The client's default holds up to 1,000 messages per member: a member that dies hides that many
    // from the group until their deadline passes.
    flowControl: { maxMessages: MAX_HELD_MESSAGES, allowExcessMessages: false },
    closeOptions: { behavior: 'WAIT', timeout: DRAIN_TIMEOUT },
  };
  const subscription = pubsub.subscription(options.subscriptionId, subscriberOptions);
  const lanes = new Map<string, Lane>();
  let stopping = false;
  let closing: Promise<void> | undefined;

  async function handle(received: Message, lane: Lane): Promise<void> {
    const context = { topic, group, pubsubId: received.id };
    // Left alone, neither acked nor nacked: it comes back after the ack deadline, as from a dead consumer.
    if (abandon.signal.aborted) return;
    if (stopping || lane.released) {
      // Not started: give it back at once rather than make the group wait out the deadline.
      received.nack();
      return;
    }
    const message = parse(received.data);
    if (!message) {
      logger.warn(context, 'skipping a pubsub message that is not a bus message');
      received.ack();
      return;
    }
    const result = await deliverWithRetries(handler, topic, message, retry);
    if (result.kind === 'abandoned') return;
    if (result.kind === 'failed') {
      logger.warn({ ...context, messageId: message.id, reason: result.reason }, 'message dead-lettered');
      const letter = deadLetter(
        { topic, group, reason: result.reason, attempts: result.attempts, message },
        new Date(),
      );
      try {
        await options.publishDeadLetter(letter);
      } catch (error) {
        // Nothing acknowledged: Pub/Sub redelivers it (and the key's later messages) for another round.
        logger.error(
          { ...context, messageId: message.id, reason: errorReason(error) },
          'dead-letter publish failed; message released for redelivery',
        );
        lane.released = true;
        if (!abandon.signal.aborted) received.nack();
        return;
      }
    }
    if (abandon.signal.aborted) return;
    received.ack();
  }

  subscription.on('message', (received: Message) => {
    const key = received.orderingKey || received.attributes?.key || received.id;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), released: false };
      lanes.set(key, lane);
    }
    const current = lane;
    const run = current.tail
      .then(() => handle(received, current))
      .catch((error: unknown) => {
        logger.error(
          { topic, group, pubsubId: received.id, reason: errorReason(error) },
          'pubsub message handling failed; message released for redelivery',
        );
        current.released = true;
        if (!abandon.signal.aborted) received.nack();
      });
    current.tail = run;
    void run.then(() => {
      if (current.tail === run) lanes.delete(key);
    });
  });
  subscription.on('error', (error: Error) => {
    logger.error({ topic, group, reason: errorReason(error) }, 'pubsub subscriber failed');
  });
  // The subscription is durable, so messages published from now on are kept for the group; this
  // round trip on the subscriber's channel also means the streaming pull is connecting.
  try {
    await subscription.getMetadata();
  } catch (error) {
    await subscription.close().catch(() => {});
    subscription.removeAllListeners();
    throw error;
  }

  return {
    close(closeOptions) {
      closing ??= (async () => {
        stopping = true;
        if (closeOptions?.drain === false) {
          abandon.abort();
          // A zero timeout makes the client drop its leases without nacking them.
          subscription.setOptions({
            ...subscriberOptions,
            closeOptions: { timeout: Duration.from({ seconds: 0 }) },
          });
        }
        // Stops the stream at once; when draining, resolves after the held messages are settled
        // and the acknowledgements flushed.
        await subscription.close();
        await Promise.all([...lanes.values()].map((lane) => lane.tail));
        subscription.removeAllListeners();
      })();
      return closing;
    },
  };
}

function parse(data: Buffer): BusMessage | undefined {
  try {
    const message = JSON.parse(data.toString('utf8')) as BusMessage;
    return typeof message?.id === 'string' && typeof message.key === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
