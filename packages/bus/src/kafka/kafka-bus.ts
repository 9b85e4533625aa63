import type { Logger } from '@pronto/telemetry';
import {
  type Consumer,
  type EachMessageHandler,
  Kafka,
  logLevel as KafkaLogLevel,
  type logCreator,
  Partitioners,
  type Producer,
} from 'kafkajs';
import {
  type Bus,
  type BusMessage,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
  deadLetterTopic,
  type SubscribeOptions,
  type Subscription,
} from '../bus.ts';
import { deadLetter, errorReason } from '../dead-letter.ts';
import { deliverWithRetries } from '../deliver-with-retries.ts';

export interface KafkaBusOptions {
  /** host:port list, e.g. ['127.0.0.1:9092']. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** Partitions of the topics this bus creates: the most consumers of a group that can work at once. Default 8. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Partitions one consumer works on at the same time (each still in order). Default 4. */
  readonly partitionsConsumedConcurrently?: number;
  /** How soon a group notices a consumer that died. Default 10 s. */
  readonly sessionTimeoutMs?: number;
}

/** About 15 s of asking whether topics another client just created have leaders yet. */
const LEADER_WAIT_ATTEMPTS = 20;

/** Thrown out of eachMessage so kafkajs does not mark the message as consumed. */
class Abandoned extends Error {
  constructor() {
    super('consumer stopped without acknowledging');
  }
}

/**
 * The bus on Kafka: one topic per bus topic, partitioned by the ordering key (kafkajs hashes the
 * message key), one consumer group per service, an idempotent producer (no duplicates from its own
 * retries, order kept per partition), and offsets committed only after the handler has resolved.
 */
export function createKafkaBus(options: KafkaBusOptions): Bus {
  const { logger } = options;
  const partitions = options.partitions ?? 8;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator: pinoLogCreator(logger),
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
  const admin = kafka.admin();
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const known = new Set<string>();
  const subscriptions = new Set<Subscription>();
  let connected: Promise<void> | undefined;
  let closed = false;

  const connect = () => {
    // A failed connect is not kept: on a broker that has just started (no controller yet, "Broker -1
    // not found") the next call must try again rather than fail for the life of the process.
    connected ??= Promise.all([admin.connect(), producer.connect()]).then(
      () => {},
      (error: unknown) => {
        connected = undefined;
        throw error;
      },
    );
    return connected;
  };

  async function ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((topic) => !known.has(topic));
    if (missing.length === 0) return;
    await connect();
    const created = await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: options.replicationFactor ?? 1,
        })),
      })
      .catch((error: unknown) => {
        // REQUEST_TIMED_OUT on a busy fresh broker: the topics are usually being created all the same.
        if ((error as { retriable?: boolean }).retriable) return false;
        throw error;
      });
    // false: another process created one of them first (or the request timed out), and kafkajs then
    // waits for no leaders. A consumer subscribing before they have one fails with
    // UNKNOWN_TOPIC_OR_PARTITION, so wait here.
    if (!created) await waitForLeaders(missing);
    for (const topic of missing) known.add(topic);
  }

  /**
   * Until every partition of the topics has a leader: the broker answers UNKNOWN_TOPIC_OR_PARTITION
   * (retriable, but kafkajs' admin does not retry it) or leaderless partitions meanwhile.
   */
  async function waitForLeaders(topics: readonly string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let reason: unknown;
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
        const led = found.filter(
          (topic) =>
            topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
        );
        if (led.length === topics.length) return;
        reason = new Error(`kafka topics have no leader yet: ${topics.join(', ')}`);
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable) throw error;
        reason = error;
      }
      if (attempt >= LEADER_WAIT_ATTEMPTS) throw reason;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1_000)));
    }
  }

  /** Commits the partitions' high-water marks as the group's offsets: it reads only what comes next. */
  async function startAtNewest(groupId: string, topic: string): Promise<void> {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
    });
  }

  async function publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (closed) throw new Error('the bus is closed');
    if (messages.length === 0) return;
    await ensureTopics([topic]);
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((message) => ({
        key: message.key,
        value: JSON.stringify(message),
        headers: { type: message.type, id: message.id },
      })),
    });
  }

  async function subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
    if (closed) throw new Error('the bus is closed');
    const { topic, group, handler } = subscribeOptions;
    await ensureTopics([topic, deadLetterTopic(topic)]);
    // One Kafka group per bus group and topic, as Pub/Sub has a subscription per both: members of
    // one Kafka group must subscribe to the same topics, or some partitions go to nobody.
    const groupId = `${group}--${topic}`;
    // Committed before the consumer joins (a group with members refuses it): the consumer starts
    // exactly there, so nothing published once subscribe() resolves is missed.
    if (subscribeOptions.ephemeral) await startAtNewest(groupId, topic);
    const abandon = new AbortController();
    let consumer: Consumer | undefined;
    let closing = false;
    let restartTimer: NodeJS.Timeout | undefined;
    let restarting: Promise<void> | undefined;
    let failures = 0;
    let joinedAt = 0;

    const eachMessage: EachMessageHandler = async ({ message: record, partition, heartbeat }) => {
      const message = parse(record.value);
      if (!message) {
        logger.warn(
          { topic, group, partition, offset: record.offset },
          'skipping a record that is not a bus message',
        );
        return;
      }
      const result = await deliverWithRetries(handler, topic, message, {
        maxAttempts: subscribeOptions.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryDelayMs: subscribeOptions.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
        signal: abandon.signal,
        isTransient: subscribeOptions.isTransient,
        // kafkajs heartbeats only between messages: a long retry would get this member evicted.
        whileWaiting: heartbeat,
      });
      if (result.kind === 'abandoned') throw new Abandoned();
      if (result.kind === 'failed') {
        logger.warn({ topic, group, messageId: message.id, reason: result.reason }, 'message dead-lettered');
        await publish(deadLetterTopic(topic), [
          deadLetter({ topic, group, reason: result.reason, attempts: result.attempts, message }, new Date()),
        ]);
      }
    };

    /**
     * kafkajs restarts a consumer that crashed on a retriable error itself, but one that crashed on
     * any other (a TypeError inside kafkajs during a rebalance, a group another client joined with
     * a different protocol) stays stopped for good, silently. Before the group is joined that fails
     * the start, which the caller retries; after, the subscription starts a new consumer, backing
     * off from 1 s to 30 s while the crashes repeat.
     */
    const startConsumer = async (): Promise<void> => {
      const next = kafka.consumer({
        groupId,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1_000,
        // A fetch that finds nothing new waits at most this long on the broker. kafkajs' default of
        // 5 s also held back messages arriving on other partitions meanwhile: seconds per hop.
        maxWaitTimeInMs: 100,
        allowAutoTopicCreation: false,
      });
      consumer = next;
      try {
        await next.connect();
        await next.subscribe({ topics: [topic], fromBeginning: true });
        const joined = new Promise<void>((resolve, reject) => {
          const offJoin = next.on(next.events.GROUP_JOIN, () => {
            offJoin();
            offCrash();
            resolve();
          });
          const offCrash = next.on(next.events.CRASH, ({ payload }) => {
            if (payload.restart) return;
            offJoin();
            offCrash();
            reject(payload.error);
          });
        });
        await next.run({
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
          eachMessage,
        });
        await joined;
      } catch (error) {
        // Not a running consumer: one left connected would hold its sockets.
        await next.disconnect().catch(() => undefined);
        throw error;
      }
      joinedAt = Date.now();
      next.on(next.events.CRASH, ({ payload }) => {
        if (!payload.restart) restartLater(payload.error);
      });
    };

    const restartLater = (error: unknown): void => {
      if (closing) return;
      // A consumer that ran a minute before crashing starts the back-off over.
      if (joinedAt > 0 && Date.now() - joinedAt > 60_000) failures = 0;
      joinedAt = 0;
      failures += 1;
      const delayMs = Math.min(1_000 * 2 ** (failures - 1), 30_000);
      logger.error(
        { topic, group, reason: errorReason(error), failures, delayMs },
        'kafka consumer stopped on an error it does not restart from; starting a new one',
      );
      restartTimer = setTimeout(() => {
        restarting = startConsumer().catch(restartLater);
      }, delayMs);
    };

    await startConsumer();

    const subscription: Subscription = {
      async close(closeOptions) {
        if (!subscriptions.delete(subscription)) return;
        closing = true;
        clearTimeout(restartTimer);
        await restarting;
        if (closeOptions?.drain === false) abandon.abort();
        // disconnect() waits for the message being handled; commits what was acknowledged.
        await consumer?.disconnect().catch((error: unknown) => {
          logger.warn(
            { topic, group, reason: errorReason(error) },
            'kafka consumer did not disconnect cleanly',
          );
        });
        if (subscribeOptions.ephemeral)
          await admin.deleteGroups([groupId]).catch((error: unknown) => {
            logger.warn({ topic, group, reason: errorReason(error) }, 'kafka group not deleted; it expires');
          });
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    kind: 'kafka',
    publish,
    subscribe,
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      closed = true;
      if (connected) await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
  };
}

function parse(value: Buffer | null): BusMessage | undefined {
  if (!value) return undefined;
  try {
    const message = JSON.parse(value.toString('utf8')) as BusMessage;
    return typeof message?.id === 'string' && typeof message.key === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** kafkajs logs through pino, at warn and above: its info lines are chatty. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      // Retries are bounded on purpose (the relay retries a failed publish itself), and a duplicate
      // from a late retry is harmless: consumers apply each message id once.
      if (message?.startsWith('Limiting retries for the idempotent producer')) return;
      if (level === KafkaLogLevel.ERROR || level === KafkaLogLevel.NOTHING)
        logger.error({ kafka: extra }, message);
      else if (level === KafkaLogLevel.WARN) logger.warn({ kafka: extra }, message);
      else logger.debug({ kafka: extra }, message);
    };
}
