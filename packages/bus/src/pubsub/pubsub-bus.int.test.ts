import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { describeBusContract } from '../testing/bus-contract.ts';
import { ensurePubSubEmulator } from '../testing/pubsub-emulator.ts';
import { createPubSubBus } from './pubsub-bus.ts';

const ACK_DEADLINE_SECONDS = 10;

describeBusContract('Google Pub/Sub (emulator)', async () => {
  const apiEndpoint = await ensurePubSubEmulator();
  const bus = createPubSubBus({
    // A project of its own per run: the emulator keeps topics and subscriptions until it stops.
    projectId: `pronto-test-${randomUUID().slice(0, 8)}`,
    apiEndpoint,
    logger: createLogger({ name: 'bus', level: 'silent' }),
    ackDeadlineSeconds: ACK_DEADLINE_SECONDS,
  });
  return { bus, redeliveryWithinMs: ACK_DEADLINE_SECONDS * 1_000, close: () => bus.close() };
});
