// A consumer group member in a process of its own, for the contract suite's kill -9 test:
// `node --import tsx consumer-process.ts '<ConsumerProcessSpec as JSON>'`. It prints `ready` once
// subscribed and `handled <message id>` for each message its handler finished, before the bus
// acknowledges it; the test kills it with SIGKILL in the middle of the stream.
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import type { Bus } from '../bus.ts';
import { createInProcessBus } from '../in-process/in-process-bus.ts';
import { createKafkaBus } from '../kafka/kafka-bus.ts';
import { type OutboxRelay, startOutboxRelay } from '../outbox-relay.ts';

export type ConsumerProcessSpec = {
  readonly topic: string;
  readonly group: string;
  /** How long the handler works on each message, so a kill finds some in hand. */
  readonly handleMs: number;
} & (
  | { readonly bus: 'kafka'; readonly brokers: string; readonly partitions: number }
  | {
      readonly bus: 'pubsub';
      readonly projectId: string;
      readonly apiEndpoint: string;
      readonly ackDeadlineSeconds: number;
      readonly messageOrdering: boolean;
    }
  /** The in-process bus lives in the process's database: this process also relays that database's outbox. */
  | {
      readonly bus: 'in-process';
      readonly database: { readonly dataDir: string } | { readonly url: string };
      /** Rows per relay batch: small, so the kill also finds outbox rows published but not marked sent. */
      readonly relayBatchSize: number;
    }
);

const spec = JSON.parse(process.argv[2] ?? '') as ConsumerProcessSpec;
const logger = createLogger({ name: 'consumer-process', level: 'silent' });
let relay: OutboxRelay | undefined;
let bus: Bus;
switch (spec.bus) {
  case 'kafka':
    bus = createKafkaBus({
      brokers: spec.brokers.split(','),
      clientId: 'contract-kill',
      logger,
      partitions: spec.partitions,
    });
    break;
  case 'pubsub': {
    const { createPubSubBus } = await import('../pubsub/pubsub-bus.ts');
    bus = createPubSubBus({
      projectId: spec.projectId,
      apiEndpoint: spec.apiEndpoint,
      logger,
      ackDeadlineSeconds: spec.ackDeadlineSeconds,
      messageOrdering: spec.messageOrdering,
    });
    break;
  }
  case 'in-process': {
    const db = await openDatabase(spec.database);
    bus = createInProcessBus({ sql: db.sql, logger, idlePollMs: 50 });
    relay = startOutboxRelay({
      sql: db.sql,
      bus,
      logger,
      topics: [spec.topic],
      exclusive: db.kind === 'postgres',
      idlePollMs: 50,
      batchSize: spec.relayBatchSize,
    });
    break;
  }
}
await bus.subscribe({
  topic: spec.topic,
  group: spec.group,
  handler: async ({ message }) => {
    await new Promise((resolve) => setTimeout(resolve, spec.handleMs));
    process.stdout.write(`handled ${message.id}\n`);
  },
});
relay?.wake();
process.stdout.write('ready\n');
