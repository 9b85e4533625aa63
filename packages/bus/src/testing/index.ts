export { type BusUnderTest, describeBusContract } from './bus-contract.ts';
export { ensureKafka } from './kafka-broker.ts';
export { ensurePubSubEmulator } from './pubsub-emulator.ts';
