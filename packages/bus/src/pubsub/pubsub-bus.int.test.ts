import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { describeBusContract } from '../testing/bus-contract.ts';
import { deletePubSubProject, ensurePubSubEmulator } from '../testing/pubsub-emulator.ts';
import { createPubSubBus } from './pubsub-bus.ts';

const ACK_DEADLINE_SECONDS = 10;

describeBusContract('Google Pub/Sub (emulator)', async () => {
  const apiEndpoint = await ensurePubSubEmulator();
  // A project of its own per run, deleted at the end: the emulator keeps what is left until it stops.
  const projectId = `pronto-test-${randomUUID().slice(0, 8)}`;
  const bus = createPubSubBus({
    projectId,
    apiEndpoint,
    logger: createLogger({ name: 'bus', level: 'silent' }),
    ackDeadlineSeconds: ACK_DEADLINE_SECONDS,
  });
  return {
    bus,
    redeliveryWithinMs: ACK_DEADLINE_SECONDS * 1_000,
    async close() {
      await bus.close();
      await deletePubSubProject(projectId);
    },
  };
});
