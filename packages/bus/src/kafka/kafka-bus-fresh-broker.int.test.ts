import { createLogger } from '@pronto/telemetry';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage, Subscription } from '../bus.ts';
import { type KafkaBroker, startKafkaBroker } from '../testing/kafka-broker.ts';
import { createKafkaBus } from './kafka-bus.ts';

const SERVICES = 6;
const TOPICS = ['intents', 'leads', 'lead-events', 'offers'];

/** The start script reports the broker up a moment before it has a controller to create topics. */
async function untilControllerElected(brokers: string): Promise<void> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 30_000;
    const elected = async () => ((await admin.describeCluster()).controller ?? -1) >= 0;
    while (!(await elected())) {
      if (Date.now() > deadline) throw new Error('the fresh broker elected no controller within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Issue 15, item 4: services started at once on a fresh broker died in subscribe with
 * UNKNOWN_TOPIC_OR_PARTITION: one process created a topic, the others were told it already existed
 * and subscribed before it had leaders. Here six clients (as six services) subscribe at the same
 * moment to the same topics, which nobody has created yet, on a broker of their own.
 */
describe('Kafka bus on a fresh broker', () => {
  let broker: KafkaBroker;
  const buses: Bus[] = [];
  const subscriptions: Subscription[] = [];
  beforeAll(async () => {
    broker = await startKafkaBroker();
    await broker.ready;
    await untilControllerElected(broker.brokers);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    await Promise.all(buses.map((bus) => bus.close()));
    await broker?.stop();
  }, 120_000);

  it('lets clients that start together all subscribe to topics none of them created yet, and deliver', async () => {
    const logger = createLogger({ name: 'bus', level: 'silent' });
    for (let n = 0; n < SERVICES; n++)
      buses.push(
        createKafkaBus({ brokers: [broker.brokers], clientId: `fresh-${n}`, logger, partitions: 8 }),
      );
    const received = new Map<string, Set<string>>();
    const results = await Promise.allSettled(
      buses.flatMap((bus, n) =>
        TOPICS.map((topic) =>
          bus.subscribe({
            topic,
            group: `service-${n}`,
            handler: async ({ message }) => {
              const key = `service-${n}:${topic}`;
              received.set(key, (received.get(key) ?? new Set()).add(message.id));
            },
          }),
        ),
      ),
    );
    for (const result of results) if (result.status === 'fulfilled') subscriptions.push(result.value);
    expect(
      results.flatMap((result) =>
        result.status === 'rejected' ? [String((result.reason as Error).stack)] : [],
      ),
    ).toEqual([]);

    const [first] = buses;
    for (const topic of TOPICS) {
      const message: BusMessage = {
        id: `${topic}-1`,
        type: 'test',
        version: 1,
        key: 'k',
        occurredAt: new Date().toISOString(),
        payload: {},
      };
      await first?.publish(topic, [message]);
    }
    const deadline = Date.now() + 30_000;
    while ([...received.values()].reduce((sum, ids) => sum + ids.size, 0) < SERVICES * TOPICS.length) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(received.size).toBe(SERVICES * TOPICS.length);
  }, 120_000);
});
