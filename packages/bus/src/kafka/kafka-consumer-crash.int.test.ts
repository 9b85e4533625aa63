import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { AssignerProtocol, type Consumer, Kafka, logLevel, type PartitionAssigner } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage, Subscription } from '../bus.ts';
import { ensureKafka } from '../testing/kafka-broker.ts';
import { testMessage, until } from '../testing/test-message.ts';
import { createKafkaBus } from './kafka-bus.ts';

const PARTITIONS = 4;
const FOREIGN = Buffer.from('foreign');

/**
 * A client of another make in the bus's consumer group. It speaks kafkajs' protocol name, so the
 * broker puts it in the same group, and while it leads the group its assignment decides what the
 * bus's consumer gets: every partition, or (once, when asked to) bytes that are no assignment,
 * which the bus's consumer cannot decode. kafkajs does not restart a consumer that crashed on
 * that (a RangeError is not retriable), the way it does not restart one that crashed on the
 * TypeError of a rebalance seen in a chaos run.
 */
function foreignMember(brokers: string, groupId: string, topic: string) {
  let garbleNext = false;
  const assigner: PartitionAssigner = ({ cluster }) => ({
    name: 'RoundRobinAssigner',
    version: 0,
    async assign({ members }) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((meta) => meta.partitionId);
      const garble = garbleNext;
      garbleNext = false;
      return members.map(({ memberId, memberMetadata }) => {
        const foreign = AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData.equals(FOREIGN);
        return {
          memberId,
          memberAssignment: foreign
            ? AssignerProtocol.MemberAssignment.encode({
                version: 0,
                assignment: {},
                userData: Buffer.alloc(0),
              })
            : garble
              ? // version 0, one topic, then the end: its name cannot be read.
                Buffer.from([0, 0, 0, 0, 0, 1])
              : AssignerProtocol.MemberAssignment.encode({
                  version: 0,
                  assignment: { [topic]: partitions },
                  userData: Buffer.alloc(0),
                }),
        };
      });
    },
    protocol({ topics }) {
      return {
        name: 'RoundRobinAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: FOREIGN }),
      };
    },
  });
  const kafka = new Kafka({ clientId: 'foreign', brokers: [brokers], logLevel: logLevel.NOTHING });
  const consumers: Consumer[] = [];
  return {
    /** Joins one more foreign member (the first leads the group); resolves once it is in. */
    async join(): Promise<void> {
      const consumer = kafka.consumer({ groupId, partitionAssigners: [assigner], heartbeatInterval: 500 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
    },
    garbleNextAssignment(): void {
      garbleNext = true;
    },
    async leave(): Promise<void> {
      await Promise.all(consumers.splice(0).map((consumer) => consumer.disconnect()));
    },
  };
}

describe('Kafka bus: a consumer that kafkajs does not restart', () => {
  let brokers: string;
  let bus: Bus;
  const subscriptions: Subscription[] = [];
  const foreigners: ReturnType<typeof foreignMember>[] = [];
  beforeAll(() => {
    brokers = ensureKafka();
    bus = createKafkaBus({
      brokers: brokers.split(','),
      clientId: `crash-${randomUUID().slice(0, 8)}`,
      logger: createLogger({ name: 'bus', level: 'silent' }),
      partitions: PARTITIONS,
    });
  });
  afterAll(async () => {
    await Promise.all(foreigners.map((foreign) => foreign.leave()));
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    await bus?.close();
  }, 60_000);

  /** Subscribes `group` to `topic`; the array fills with what it receives. */
  const subscribeRecording = async (topic: string, group: string) => {
    const received: BusMessage[] = [];
    subscriptions.push(
      await bus.subscribe({
        topic,
        group,
        handler: async (delivery) => void received.push(delivery.message),
      }),
    );
    return received;
  };

  const names = () => {
    const run = randomUUID().slice(0, 8);
    return { topic: `crash-${run}`, group: `svc-${run}` };
  };

  it('fails the subscribe when the consumer crashes before it has joined, so the start is retried', async () => {
    const { topic, group } = names();
    // The topic exists before the foreign member subscribes to it.
    await bus.publish(topic, [testMessage('k', 0)]);
    const foreign = foreignMember(brokers, `${group}--${topic}`, topic);
    foreigners.push(foreign);
    await foreign.join();
    foreign.garbleNextAssignment();

    const started = Date.now();
    await expect(bus.subscribe({ topic, group, handler: async () => undefined })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(30_000);

    // The next attempt, as startOnBusOrExit makes it, joins and delivers.
    const received = await subscribeRecording(topic, group);
    const message = testMessage('k', 1);
    await bus.publish(topic, [message]);
    await until('the retried subscription receives a new message', () =>
      received.some((got) => got.id === message.id),
    );
  }, 60_000);

  it('starts a new consumer when a running one crashes, and delivers what came meanwhile', async () => {
    const { topic, group } = names();
    await bus.publish(topic, [testMessage('k', 0)]);
    const foreign = foreignMember(brokers, `${group}--${topic}`, topic);
    foreigners.push(foreign);
    await foreign.join();
    const received = await subscribeRecording(topic, group);
    const before = testMessage('k', 1);
    await bus.publish(topic, [before]);
    await until('the subscription receives a message', () => received.some((got) => got.id === before.id));

    // A second foreign member makes the group rebalance; its leader hands out bytes the bus's
    // consumer cannot read, and that consumer crashes.
    foreign.garbleNextAssignment();
    await foreign.join();
    const during = testMessage('k', 2);
    await bus.publish(topic, [during]);

    await until('the message published across the crash is delivered', () =>
      received.some((got) => got.id === during.id),
    );
    const after = testMessage('k', 3);
    await bus.publish(topic, [after]);
    await until('a message published after it is delivered', () =>
      received.some((got) => got.id === after.id),
    );
    expect(received.filter((got) => got.id === during.id)).toHaveLength(1);
  }, 60_000);
});
