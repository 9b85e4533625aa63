export { type BusUnderTest, describeBusContract } from './bus-contract.ts';
export { ensureKafka, type KafkaBroker, startKafkaBroker } from './kafka-broker.ts';
export { deletePubSubProject, ensurePubSubEmulator } from './pubsub-emulator.ts';
