import type { EventEmitter } from 'node:events';
import type { Logger } from '@pronto/telemetry';
import {
  type BusMessage,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
  deadLetterTopic,
  type SubscribeOptions,
} from '../bus.ts';
import { deadLetter } from '../dead-letter.ts';
import { deliverWithRetries } from '../deliver-with-retries.ts';

/** The storage side of the in-process bus, as one group member sees it. */
export interface LogReader {
  readonly partitions: number;
  readonly idlePollMs: number;
  /** Emits the topic's name after each committed publish. */
  readonly published: EventEmitter;
  read(
    topic: string,
    partition: number,
    after: string,
    limit: number,
  ): Promise<{ position: string; message: BusMessage }[]>;
  position(group: string, topic: string, partition: number): Promise<string>;
  commit(group: string, topic: string, partition: number, position: string): Promise<void>;
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
}

interface Loop {
  /** Set when the partition is revoked or the member stops: finish the current message, then end. */
  stopping: boolean;
  /** Aborted when the member dies: end at once, acknowledge nothing more. */
  readonly abandon: AbortController;
  wake: () => void;
  dirty: boolean;
  done: Promise<void>;
}

const BATCH = 100;

/** One consumer of a group: works the partitions the group gave it, one loop per partition. */
export class GroupMember {
  private readonly loops = new Map<number, Loop>();
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly log: LogReader,
    private readonly options: SubscribeOptions,
    private readonly logger: Logger,
    private readonly lanes: Map<string, Promise<void>>,
  ) {
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  assign(partitions: readonly number[]): void {
    for (const [partition, loop] of this.loops) {
      if (!partitions.includes(partition)) {
        this.loops.delete(partition);
        loop.stopping = true;
        loop.wake();
      }
    }
    for (const partition of partitions) if (!this.loops.has(partition)) this.start(partition);
  }

  async stop(drain: boolean): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    for (const loop of loops) {
      loop.stopping = true;
      if (!drain) loop.abandon.abort();
      loop.wake();
    }
    await Promise.all(loops.map((loop) => loop.done));
  }

  private start(partition: number): void {
    const laneKey = `${this.options.group}\u0000${this.options.topic}\u0000${partition}`;
    const previous = this.lanes.get(laneKey) ?? Promise.resolve();
    const loop: Loop = {
      stopping: false,
      abandon: new AbortController(),
      wake: () => {},
      dirty: true,
      done: Promise.resolve(),
    };
    loop.done = previous.then(() => this.run(partition, loop));
    this.lanes.set(laneKey, loop.done);
    this.loops.set(partition, loop);
  }

  private async run(partition: number, loop: Loop): Promise<void> {
    const { topic, group, handler } = this.options;
    const onPublish = () => {
      loop.dirty = true;
      loop.wake();
    };
    this.log.published.on(topic, onPublish);
    try {
      let position: string | undefined;
      while (!loop.stopping) {
        try {
          position ??= await this.log.position(group, topic, partition);
          loop.dirty = false;
          const batch = await this.log.read(topic, partition, position, BATCH);
          if (batch.length === 0) {
            if (!loop.dirty) await this.idle(loop, this.log.idlePollMs);
            continue;
          }
          let handled = position;
          for (const entry of batch) {
            if (loop.stopping) break;
            const result = await deliverWithRetries(handler, topic, entry.message, {
              maxAttempts: this.maxAttempts,
              retryDelayMs: this.retryDelayMs,
              signal: loop.abandon.signal,
            });
            if (result.kind === 'abandoned') return;
            if (result.kind === 'failed') {
              this.logger.warn(
                { topic, group, messageId: entry.message.id, reason: result.reason },
                'message dead-lettered',
              );
              await this.log.publish(deadLetterTopic(topic), [
                deadLetter(
                  { topic, group, reason: result.reason, attempts: result.attempts, message: entry.message },
                  new Date(),
                ),
              ]);
            }
            handled = entry.position;
          }
          if (loop.abandon.signal.aborted) return;
          if (handled !== position) {
            await this.log.commit(group, topic, partition, handled);
            position = handled;
          }
        } catch (error) {
          // The database is away or a dead-letter publish failed: nothing was acknowledged past
          // `position`, so after a pause the same messages come again.
          this.logger.error({ err: error, topic, group, partition }, 'bus consumer failed; retrying');
          position = undefined;
          await this.idle(loop, 1_000);
        }
      }
    } finally {
      this.log.published.off(topic, onPublish);
    }
  }

  private idle(loop: Loop, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        loop.wake = () => {};
        resolve();
      }
      loop.wake = done;
    });
  }
}
