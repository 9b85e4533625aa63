import { randomUUID } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import { createLogger } from '@pronto/telemetry';
import { describeBusContract } from '../testing/bus-contract.ts';
import { deletePubSubProject, ensurePubSubEmulator } from '../testing/pubsub-emulator.ts';
import { subscriptionId } from './provisioner.ts';
import { createPubSubBus } from './pubsub-bus.ts';

const ACK_DEADLINE_SECONDS = 10;
// As createBus configures the emulator: with ordering on it loses messages when a subscriber is killed.
const MESSAGE_ORDERING = process.env.PUBSUB_TEST_ORDERING === '1';

describeBusContract('Google Pub/Sub (emulator)', async () => {
  const apiEndpoint = await ensurePubSubEmulator();
  // A project of its own per run, deleted at the end: the emulator keeps what is left until it stops.
  const projectId = `pronto-test-${randomUUID().slice(0, 8)}`;
  const logger = createLogger({ name: 'bus', level: 'silent' });
  const options = {
    projectId,
    apiEndpoint,
    logger,
    ackDeadlineSeconds: ACK_DEADLINE_SECONDS,
    messageOrdering: MESSAGE_ORDERING,
  };
  const bus = createPubSubBus(options);
  return {
    bus,
    redeliveryWithinMs: ACK_DEADLINE_SECONDS * 1_000,
    ordersPerKey: MESSAGE_ORDERING,
    consumerProcess: (topic, group) => ({
      bus: 'pubsub',
      topic,
      group,
      handleMs: 5,
      projectId,
      apiEndpoint,
      ackDeadlineSeconds: ACK_DEADLINE_SECONDS,
      messageOrdering: MESSAGE_ORDERING,
    }),
    async publishForProcess(topic, messages) {
      // The group's subscription must exist before the publish, as the services' known consumers do.
      const publisher = createPubSubBus({ ...options, provision: { [topic]: ['killed'] } });
      try {
        await publisher.publish(topic, messages);
      } finally {
        await publisher.close();
      }
    },
    async groupExists(topic, group) {
      const [exists] = await new PubSub({ projectId, apiEndpoint })
        .subscription(subscriptionId(group, topic))
        .exists();
      return exists;
    },
    async close() {
      await bus.close();
      await deletePubSubProject(projectId);
    },
  };
});
