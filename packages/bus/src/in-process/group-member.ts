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
  /** Emits `topic NUL partition` after each committed publish, for each partition it wrote to. */
  readonly published: EventEmitter;
  read(
    topic: string,
    partition: number,
    after: string,
    limit: number,
  ): Promise<{ position: string; message: BusMessage }[]>;
  position(group: string, topic: string, partition: number): Promise<string>;
  /**
   * Acknowledges up to `position`. The bus writes the positions of all its consumers together, a
   * moment later (a crash before that redelivers those messages, which consumers dedupe); `durable`
   * resolves only once this one is in the database.
   */
  commit(group: string, topic: string, partition: number, position: string, durable: boolean): Promise<void>;
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
/** At most this long between acknowledging handled messages, while messages keep coming. */
const COMMIT_EVERY_MS = 100;

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
    const channel = `${topic}\u0000${partition}`;
    this.log.published.on(channel, onPublish);
    // `next`: where to read on; `committed`: what was last acknowledged. Commits are spaced out (a
    // crash redelivers the messages handled since the bus last wrote its positions, which consumers
    // dedupe); the last one, when the partition is handed over or the member stops, is written at once.
    let committed: string | undefined;
    let next = '0';
    let lastCommit = Date.now();
    const commit = async (durable = false) => {
      // The last one is written even if acknowledged already: it may still wait for the bus's write.
      if (committed === undefined || (next === committed && !durable)) return;
      await this.log.commit(group, topic, partition, next, durable);
      committed = next;
      lastCommit = Date.now();
    };
    try {
      while (!loop.stopping) {
        try {
          if (committed === undefined) {
            committed = await this.log.position(group, topic, partition);
            next = committed;
          }
          loop.dirty = false;
          const batch = await this.log.read(topic, partition, next, BATCH);
          for (const entry of batch) {
            if (loop.stopping) break;
            const result = await deliverWithRetries(handler, topic, entry.message, {
              maxAttempts: this.maxAttempts,
              retryDelayMs: this.retryDelayMs,
              signal: loop.abandon.signal,
              isTransient: this.options.isTransient,
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
            next = entry.position;
          }
          if (loop.abandon.signal.aborted) return;
          if (Date.now() - lastCommit >= COMMIT_EVERY_MS) await commit();
          // A short batch read everything there was; unless a publish came meanwhile, wait for one.
          if (batch.length < BATCH && !loop.dirty && !loop.stopping) {
            if (next === committed) await this.idle(loop, this.log.idlePollMs);
            else if (!(await this.idle(loop, COMMIT_EVERY_MS))) await commit();
          }
        } catch (error) {
          // The database is away or a dead-letter publish failed: nothing was acknowledged past
          // `committed`, so after a pause the same messages come again.
          this.logger.error({ err: error, topic, group, partition }, 'bus consumer failed; retrying');
          committed = undefined;
          await this.idle(loop, 1_000);
        }
      }
      // Revoked or stopped with draining: acknowledge what was handled before handing over.
      if (!loop.abandon.signal.aborted)
        await commit(true).catch((error: unknown) => {
          this.logger.warn(
            { err: error, topic, group, partition },
            'could not acknowledge on stop; the next owner repeats those messages',
          );
        });
    } finally {
      this.log.published.off(channel, onPublish);
    }
  }

  /** Waits for a publish (true) or `ms` (false). */
  private idle(loop: Loop, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      function done(woken: boolean) {
        clearTimeout(timer);
        loop.wake = () => {};
        resolve(woken);
      }
      loop.wake = () => done(true);
    });
  }
}
