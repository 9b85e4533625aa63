import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { describeBusContract } from '../testing/bus-contract.ts';
import { ensureKafka } from '../testing/kafka-broker.ts';
import { createKafkaBus } from './kafka-bus.ts';

describeBusContract('Kafka', async () => {
  const bus = createKafkaBus({
    brokers: ensureKafka().split(','),
    clientId: `contract-${randomUUID().slice(0, 8)}`,
    logger: createLogger({ name: 'bus', level: 'silent' }),
    partitions: 6,
  });
  return { bus, redeliveryWithinMs: 15_000, close: () => bus.close() };
});
