import type { Sql } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { Bus, BusMessage } from './bus.ts';
import { errorReason } from './dead-letter.ts';
import { LoopSleep } from './loop-sleep.ts';

export interface OutboxRelayOptions {
  readonly sql: Sql;
  readonly bus: Bus;
  readonly logger: Logger;
  /** The topics this relay publishes; each topic must have one relay (a process may run several). */
  readonly topics: readonly string[];
  /**
   * Which rows: those written with this relay name (default `main`). Services that write the same
   * topic (scoring and the dispatcher both write `lead-events`) each relay their own rows.
   */
  readonly relay?: string;
  /**
   * true on PostgreSQL, where several processes may run a relay for the same topics: they take
   * turns under an advisory lock, so rows are published in id order. The embedded database has
   * one process only.
   */
  readonly exclusive: boolean;
  readonly batchSize?: number;
  /** Looks for rows this often even when no writer in this process woke it. Default 500 ms. */
  readonly idlePollMs?: number;
  /** Sent rows are deleted after this long. Default 1 hour. */
  readonly keepSentMs?: number;
  readonly now?: () => Date;
}

export interface OutboxRelay {
  /** Publish soon: a transaction that wrote outbox rows has just committed. */
  wake(): void;
  /** Stops after the batch in flight is published and marked. */
  stop(): Promise<void>;
  /** Resolves once every row that was unsent when called has been published. For tests and shutdown. */
  flush(): Promise<void>;
}

/**
 * Publishes outbox rows in id order and marks them sent. A crash between publishing and marking
 * publishes those rows again (consumers are idempotent), never loses one: a row is marked only
 * after the bus has taken it.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { sql, bus, logger, topics } = options;
  const batchSize = options.batchSize ?? 500;
  const idlePollMs = options.idlePollMs ?? 500;
  const keepSentMs = options.keepSentMs ?? 3_600_000;
  const now = options.now ?? (() => new Date());
  const relayName = options.relay ?? 'main';
  const lockKey = `${relayName}:${topics.join(',')}`;
  let running = true;
  const sleep = new LoopSleep();
  let pending = true;
  let lastPrune = 0;
  const flushed: (() => void)[] = [];

  async function relayBatch(): Promise<number | 'locked'> {
    const cycle = async (query: Sql['query']) => {
      const rows = await query<{ id: string; topic: string; message: BusMessage }>(
        `SELECT id::text, topic, message FROM outbox
          WHERE sent_at IS NULL AND topic = ANY($1::text[]) AND relay = $3 ORDER BY outbox.id LIMIT $2`,
        [topics, batchSize, relayName],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, BusMessage[]>();
      for (const row of rows) {
        const list = byTopic.get(row.topic) ?? [];
        list.push(row.message);
        byTopic.set(row.topic, list);
      }
      for (const [topic, messages] of byTopic) await bus.publish(topic, messages);
      await query('UPDATE outbox SET sent_at = $2 WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
        now().toISOString(),
      ]);
      return rows.length;
    };
    if (!options.exclusive) return cycle((text, params) => sql.query(text, params));
    return sql.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(726164074, hashtext($1)) AS locked',
        [lockKey],
      );
      if (!lock?.locked) return 'locked';
      return cycle((text, params) => tx.query(text, params));
    });
  }

  async function prune() {
    if (Date.now() - lastPrune < 60_000) return;
    lastPrune = Date.now();
    await sql.query('DELETE FROM outbox WHERE sent_at < $1 AND topic = ANY($2::text[]) AND relay = $3', [
      new Date(now().getTime() - keepSentMs).toISOString(),
      topics,
      relayName,
    ]);
  }

  const done = (async () => {
    while (running) {
      let wait = idlePollMs;
      try {
        pending = false;
        const result = await relayBatch();
        if (result === 'locked') wait = 50;
        else if (result === batchSize) continue;
        else if (result === 0 && !pending) {
          for (const resolve of flushed.splice(0)) resolve();
          await prune();
        }
        if (pending) continue;
      } catch (error) {
        logger.error({ topics, reason: errorReason(error) }, 'outbox relay failed; retrying');
        wait = 1_000;
      }
      await sleep.sleep(wait);
    }
  })();

  return {
    wake() {
      // With the direct outbox the rows are in the bus's log already: its consumers are told. The
      // loop still looks every idlePollMs, for rows written before it was turned on.
      if (bus.announce) {
        bus.announce();
        return;
      }
      pending = true;
      sleep.wakeUp();
    },
    async stop() {
      running = false;
      sleep.wakeUp();
      await done;
      for (const resolve of flushed.splice(0)) resolve();
    },
    flush() {
      return new Promise<void>((resolve) => {
        flushed.push(resolve);
        pending = true;
        sleep.wakeUp();
      });
    },
  };
}
