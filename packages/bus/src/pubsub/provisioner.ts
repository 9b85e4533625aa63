import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { Logger } from '@pronto/telemetry';

/** gRPC ALREADY_EXISTS: another process (or an earlier run) created it first, which is fine. */
const ALREADY_EXISTS = 6;

/**
 * Pub/Sub ids take letters, digits and - _ . ~ + %, start with a letter, are 3 to 255 long and
 * must not start with "goog". Bus names normally fit; anything else is mapped onto that alphabet.
 */
export function resourceId(name: string): string {
  let id = name.replace(/[^A-Za-z0-9\-_.~+%]/g, '_');
  if (!/^[A-Za-z]/.test(id) || /^goog/i.test(id)) id = `b-${id}`;
  return id.padEnd(3, '_').slice(0, 255);
}

/** The one subscription of a consumer group on a topic: its members share it, so they share the work. */
export const subscriptionId = (group: string, topic: string) => resourceId(`${group}--${topic}`);

/**
 * Creates topics and subscriptions on first use and remembers them, so a publish or subscribe
 * costs admin calls only once per process. A failed creation is forgotten and tried again next time.
 */
export class Provisioner {
  private readonly topics = new Map<string, Promise<Topic>>();
  private readonly subscriptions = new Map<string, Promise<string>>();

  constructor(
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
    private readonly ackDeadlineSeconds: number,
    /** See PubSubBusOptions.messageOrdering. */
    private readonly messageOrdering: boolean,
  ) {}

  /** The topic, created if missing; with ordering, its publisher keeps the order of messages per ordering key. */
  topic(name: string): Promise<Topic> {
    return this.remember(this.topics, name, async () => {
      const topic = this.pubsub.topic(resourceId(name), { messageOrdering: this.messageOrdering });
      try {
        await topic.create();
        this.logger.info({ topic: name }, 'pubsub topic created');
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
      }
      return topic;
    });
  }

  /** The group's subscription to the topic, created if missing; resolves to its id. */
  subscription(group: string, topicName: string): Promise<string> {
    const id = subscriptionId(group, topicName);
    return this.remember(this.subscriptions, `${topicName}\u0000${group}`, async () => {
      const topic = await this.topic(topicName);
      try {
        await topic.createSubscription(id, {
          enableMessageOrdering: this.messageOrdering,
          ackDeadlineSeconds: this.ackDeadlineSeconds,
          // A group that is down for a month must still find its messages when it comes back.
          expirationPolicy: {},
        });
        this.logger.info({ topic: topicName, group, subscription: id }, 'pubsub subscription created');
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        // Ordering cannot be switched on later: a subscription made by hand without it would
        // silently hand one key's messages out of order.
        const [metadata] = await this.pubsub.subscription(id).getMetadata();
        if (this.messageOrdering && !metadata.enableMessageOrdering) {
          this.logger.warn(
            { topic: topicName, group, subscription: id },
            'pubsub subscription exists without message ordering; messages of one key may arrive out of order',
          );
        }
      }
      return id;
    });
  }

  /**
   * A subscription for an ephemeral group (SubscribeOptions.ephemeral), made anew each time: it gets
   * what is published from now on. The caller deletes it on close; one left by a process that died
   * expires after a day unused (the least Pub/Sub allows), and keeps at most ten minutes of messages.
   */
  async ephemeralSubscription(group: string, topicName: string): Promise<string> {
    const id = subscriptionId(group, topicName);
    const topic = await this.topic(topicName);
    try {
      await topic.createSubscription(id, {
        enableMessageOrdering: this.messageOrdering,
        ackDeadlineSeconds: this.ackDeadlineSeconds,
        expirationPolicy: { ttl: { seconds: 86_400 } },
        messageRetentionDuration: { seconds: 600 },
      });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      // Left by an earlier process of the same name: what it kept is not this one's to read.
      await this.pubsub.subscription(id).delete();
      return this.ephemeralSubscription(group, topicName);
    }
    this.logger.debug({ topic: topicName, group, subscription: id }, 'pubsub ephemeral subscription created');
    return id;
  }

  /** Forgets a topic and its subscriptions (deleted behind our back), so they are made again. */
  forget(topicName: string): void {
    this.topics.delete(topicName);
    for (const key of this.subscriptions.keys()) {
      if (key.startsWith(`${topicName}\u0000`)) this.subscriptions.delete(key);
    }
  }

  private remember<T>(cache: Map<string, Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
    let pending = cache.get(key);
    if (!pending) {
      pending = create();
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return pending;
  }
}

function isAlreadyExists(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === ALREADY_EXISTS;
}
