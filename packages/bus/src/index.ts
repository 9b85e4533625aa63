export {
  type Bus,
  type BusMessage,
  type CloseOptions,
  DEFAULT_MAX_ATTEMPTS,
  type Delivery,
  deadLetterTopic,
  type Handler,
  type SubscribeOptions,
  type Subscription,
} from './bus.ts';
export { checkedMessage, type MessageValidator } from './checked-message.ts';
export { type ConsumeResult, consumeOnce, recordProcessed, recordProcessedSql } from './consume-once.ts';
export { type BusConfig, type CreateBusDeps, createBus } from './create-bus.ts';
export type { DeadLetterPayload } from './dead-letter.ts';
export {
  createInProcessBus,
  enableDirectOutbox,
  IN_PROCESS_PARTITIONS,
  type InProcessBusOptions,
} from './in-process/in-process-bus.ts';
export { createKafkaBus, type KafkaBusOptions } from './kafka/kafka-bus.ts';
export { LoopSleep } from './loop-sleep.ts';
export { appendToOutbox, type OutboxEntry } from './outbox.ts';
export { type OutboxRelay, type OutboxRelayOptions, startOutboxRelay } from './outbox-relay.ts';
export { type StartOnBusDeps, startOnBusOrExit } from './start-on-bus-or-exit.ts';
export { withNamespace } from './with-namespace.ts';
