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
export type { DeadLetterPayload } from './dead-letter.ts';
export { createInProcessBus, type InProcessBusOptions } from './in-process/in-process-bus.ts';
