import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { Kafka, logLevel } from 'kafkajs';
import { describeBusContract } from '../testing/bus-contract.ts';
import { ensureKafka } from '../testing/kafka-broker.ts';
import { createKafkaBus } from './kafka-bus.ts';

const PARTITIONS = 6;

describeBusContract('Kafka', async () => {
  const brokers = ensureKafka();
  const bus = createKafkaBus({
    brokers: brokers.split(','),
    clientId: `contract-${randomUUID().slice(0, 8)}`,
    logger: createLogger({ name: 'bus', level: 'silent' }),
    partitions: PARTITIONS,
  });
  return {
    bus,
    redeliveryWithinMs: 15_000,
    consumerProcess: (topic, group) => ({
      bus: 'kafka',
      topic,
      group,
      handleMs: 5,
      brokers,
      partitions: PARTITIONS,
    }),
    publishForProcess: (topic, messages) => bus.publish(topic, messages),
    async groupExists(topic, group) {
      const admin = new Kafka({
        clientId: 'contract-admin',
        brokers: brokers.split(','),
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      try {
        const { groups } = await admin.listGroups();
        return groups.some((found) => found.groupId === `${group}--${topic}`);
      } finally {
        await admin.disconnect();
      }
    },
    close: () => bus.close(),
  };
});
