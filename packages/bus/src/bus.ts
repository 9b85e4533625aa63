/**
 * What travels on the bus: every message is an envelope (see @pronto/contracts `defineMessage`).
 * The bus moves envelopes; producers build them from the contracts and consumers validate them.
 */
export interface BusMessage {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly occurredAt: string;
  /** The ordering key: messages with one key reach a consumer group in the order published. */
  readonly key: string;
  readonly payload: unknown;
}

export interface Delivery {
  readonly topic: string;
  readonly message: BusMessage;
  /** 1 on the first try inside this consumer; retries after a failed handler count up. */
  readonly attempt: number;
}

/**
 * Handles one message. Resolving acknowledges it (only after the handler's effect is committed);
 * throwing gets it retried, and after `maxAttempts` failures it goes to the dead-letter topic.
 */
export type Handler = (delivery: Delivery) => Promise<void>;

export interface SubscribeOptions {
  readonly topic: string;
  /** Consumers in one group share the topic's partitions (ordering keys); each group gets every message. */
  readonly group: string;
  readonly handler: Handler;
  /** Tries per message before it is dead-lettered. Default 5. */
  readonly maxAttempts?: number;
  /** Delay before the first retry; doubles each time, at most 30 s. Default 500 ms. */
  readonly retryDelayMs?: number;
  /**
   * Errors that say nothing about the message, such as the database being unavailable: retried
   * for as long as they last and never dead-lettered, so an outage delays messages but loses none.
   */
  readonly isTransient?: (error: unknown) => boolean;
  /**
   * A group of one consumer that needs only what is published while it runs, such as an agent
   * gateway instance forwarding live updates to the sockets it holds: the group starts at the
   * newest message (whatever it read before) and is deleted when the subscription closes. A process
   * that dies without closing leaves it to expire: Kafka drops an empty group's offsets after its
   * retention (7 days by default), Pub/Sub deletes the subscription after a day unused, the
   * in-process bus keeps the group's position rows (a few bytes) until a subscription of that name
   * closes.
   */
  readonly ephemeral?: boolean;
}

export interface CloseOptions {
  /**
   * true (default): finish and acknowledge the messages being handled, then stop.
   * false: stop at once and acknowledge nothing more, as a consumer that dies would; the group
   * gets the unacknowledged messages again.
   */
  readonly drain?: boolean;
}

export interface Subscription {
  close(options?: CloseOptions): Promise<void>;
}

export interface Bus {
  readonly kind: 'in-process' | 'kafka' | 'pubsub';
  /** Publishes in the given order; resolves once the bus has durably taken every message. */
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Closes every subscription (draining) and the connections. */
  close(): Promise<void>;
  /**
   * Only the in-process bus on the embedded database, with its direct outbox: outbox rows are
   * written into the bus's log by the writer's own transaction (no relay); the writer calls this
   * after its commit, so that consumers look at once instead of at their next poll.
   */
  announce?(): void;
}

/** Where messages go after `maxAttempts` failed tries: `<topic>.dead-letter`. */
export const deadLetterTopic = (topic: string) => `${topic}.dead-letter`;

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_DELAY_MS = 500;
