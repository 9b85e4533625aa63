import { EventEmitter } from 'node:events';
import type { Sql, SqlQueryable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { Bus, BusMessage, SubscribeOptions, Subscription } from '../bus.ts';
import { errorReason } from '../dead-letter.ts';
import { GroupMember, type LogReader } from './group-member.ts';
import { LogTail, type TailRow } from './log-tail.ts';
import { partitionFor } from './partition-for.ts';

export interface InProcessBusOptions {
  readonly sql: Sql;
  readonly logger: Logger;
  /** Partitions per topic: how many consumers of one group can work in parallel. Default 8. */
  readonly partitions?: number;
  /** A consumer with nothing to do looks again this often even without a wake-up. Default 1 s. */
  readonly idlePollMs?: number;
  /**
   * Messages are deleted this long after publishing, read or not, as Kafka's retention does.
   * Default 7 days (Kafka's default too).
   */
  readonly retentionMs?: number;
  /**
   * The direct outbox is on (enableDirectOutbox): outbox rows reach bus_message in their writer's
   * transaction, and announce() tells this process's consumers about them. The id of the newest
   * message when it was turned on: announce() reads the log's tail after it, once for every consumer
   * of this process (LogTail).
   */
  readonly directOutboxAfter?: string;
}

/** Partitions per topic unless InProcessBusOptions.partitions says otherwise. */
export const IN_PROCESS_PARTITIONS = 8;

/**
 * Turns on the direct outbox for this connection's session (only the embedded database: it has one
 * connection, so ids are in commit order, as the bus's readers need; on PostgreSQL concurrent writers
 * commit out of id order and the outbox relay, under its lock, keeps the order). From here on an
 * outbox row is written into bus_message by the writer's transaction, and not into outbox (the
 * outbox_direct trigger). Resolves with the newest message's id, for InProcessBusOptions.directOutboxAfter.
 */
export async function enableDirectOutbox(sql: Sql, partitions = IN_PROCESS_PARTITIONS): Promise<string> {
  const [row] = await sql.query<{ after: string }>(
    `SELECT set_config('pronto.bus_partitions', $1, false), set_config('pronto.outbox_direct', 'on', false),
            COALESCE((SELECT max(id) FROM bus_message), 0)::text AS after`,
    [String(partitions)],
  );
  return row?.after ?? '0';
}

/** How often the consumers' acknowledged positions are written, all in one statement. */
const OFFSET_WRITE_MS = 500;

/** Messages one look at the log's tail reads; a look that fills it looks again at once. */
const TAIL_LOOK = 500;

/** Any 32-bit number, paired with the topic's hash: publishers of one topic take turns, so ids grow in commit order. */
const PUBLISH_LOCK = 726_164_073;

/**
 * The embedded bus: messages are rows in the database (bus_message), each consumer group's
 * position is a row per partition (bus_offset), so a crash loses nothing and a restarted process
 * goes on where its groups acknowledged. Consumers in this process are woken the moment a publish
 * commits; the idle poll only covers publishes from elsewhere.
 */
export function createInProcessBus(options: InProcessBusOptions): Bus {
  const { sql, logger } = options;
  const partitions = options.partitions ?? IN_PROCESS_PARTITIONS;
  const idlePollMs = options.idlePollMs ?? 1_000;
  const published = new EventEmitter();
  published.setMaxListeners(0);
  const groups = new Map<string, Set<GroupMember>>();
  // Per group, topic and partition: the loop that works on it now. A new owner starts after it ends.
  const lanes = new Map<string, Promise<void>>();
  let closed = false;
  const retentionMs = options.retentionMs ?? 7 * 86_400_000;
  const prune = setInterval(() => {
    sql
      .query('DELETE FROM bus_message WHERE published_at < $1', [
        new Date(Date.now() - retentionMs).toISOString(),
      ])
      .catch((error: unknown) => logger.warn({ err: error }, 'could not delete expired bus messages'));
  }, 600_000);
  prune.unref();

  // The direct outbox's tail: what consumers that are up to date read instead of the log.
  const tail = options.directOutboxAfter === undefined ? undefined : new LogTail(options.directOutboxAfter);

  // Acknowledged positions not yet written: every consumer's, in one statement every OFFSET_WRITE_MS.
  const offsets = new Map<string, { group: string; topic: string; partition: number; position: string }>();
  const offsetKey = (o: { group: string; topic: string; partition: number }) =>
    `${o.group}\u0000${o.topic}\u0000${o.partition}`;
  let writingOffsets: Promise<void> | undefined;
  // A write that failed keeps its rows for the next one: waiting for it, its error is not ours.
  const afterWriting = () => writingOffsets?.catch(() => {});
  async function writeOffsets(): Promise<void> {
    while (writingOffsets) await afterWriting();
    if (offsets.size === 0) return;
    const rows = [...offsets.values()];
    offsets.clear();
    writingOffsets = (async () => {
      try {
        await sql.query(
          `INSERT INTO bus_offset (consumer_group, topic, partition, position, updated_at)
           SELECT o.consumer_group, o.topic, o.partition, o.position, now()
             FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS o(consumer_group, topic, partition, position)
           ON CONFLICT (consumer_group, topic, partition)
           DO UPDATE SET position = GREATEST(bus_offset.position, EXCLUDED.position), updated_at = now()`,
          [
            rows.map((o) => o.group),
            rows.map((o) => o.topic),
            rows.map((o) => o.partition),
            rows.map((o) => o.position),
          ],
        );
      } catch (error) {
        // Kept for the next write, unless a newer position came meanwhile.
        for (const row of rows) if (!offsets.has(offsetKey(row))) offsets.set(offsetKey(row), row);
        throw error;
      } finally {
        writingOffsets = undefined;
      }
    })();
    await writingOffsets;
  }
  const offsetWrites = setInterval(() => {
    writeOffsets().catch((error: unknown) =>
      logger.warn({ reason: errorReason(error) }, 'could not write the bus consumers’ positions; retrying'),
    );
  }, OFFSET_WRITE_MS);
  offsetWrites.unref();

  const reader: LogReader = {
    partitions,
    idlePollMs,
    published,
    async read(topic, partition, after, limit) {
      const kept = tail?.read(topic, partition, after, limit);
      if (kept) return kept;
      const rows = await sql.query<{ id: string; message: BusMessage }>(
        `SELECT id::text, message FROM bus_message
          WHERE topic = $1 AND partition = $2 AND id > $3::bigint ORDER BY bus_message.id LIMIT $4`,
        [topic, partition, after, limit],
      );
      return rows.map((row) => ({ position: row.id, message: row.message }));
    },
    async position(group, topic, partition) {
      const [row] = await sql.query<{ position: string }>(
        'SELECT position::text FROM bus_offset WHERE consumer_group = $1 AND topic = $2 AND partition = $3',
        [group, topic, partition],
      );
      return row?.position ?? '0';
    },
    async commit(group, topic, partition, position, durable) {
      offsets.set(offsetKey({ group, topic, partition }), { group, topic, partition, position });
      if (durable) await writeOffsets();
    },
    publish: (topic, messages) => publish(topic, messages),
  };

  async function publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (closed) throw new Error('the bus is closed');
    if (messages.length === 0) return;
    const partitionsOf = messages.map((m) => partitionFor(m.key, partitions));
    const insert = (runner: SqlQueryable) =>
      runner.query(
        `INSERT INTO bus_message (topic, partition, key, message)
         SELECT $1, m.partition, m.key, m.message::jsonb
           FROM unnest($2::int[], $3::text[], $4::text[]) WITH ORDINALITY AS m(partition, key, message, n)
          ORDER BY m.n`,
        [topic, partitionsOf, messages.map((m) => m.key), messages.map((m) => JSON.stringify(m))],
      );
    if (tail) {
      // One connection already commits ids in order: one statement. Consumers learn of it from the
      // next look at the tail, so that it is there when they read.
      await insert(sql);
      announce();
      return;
    }
    await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PUBLISH_LOCK, topic]);
      await insert(tx);
    });
    for (const partition of new Set(partitionsOf)) published.emit(`${topic}\u0000${partition}`);
  }

  function rebalance(groupKey: string) {
    const members = [...(groups.get(groupKey) ?? [])];
    members.forEach((member, index) => {
      member.assign(
        Array.from({ length: partitions }, (_, p) => p).filter((p) => p % members.length === index),
      );
    });
  }

  /** An ephemeral group's position: the newest message of each partition, so it reads only what comes next. */
  async function startAtNewest(group: string, topic: string) {
    await sql.query(
      `INSERT INTO bus_offset (consumer_group, topic, partition, position, updated_at)
       SELECT $1, $2, p.partition,
              COALESCE((SELECT max(m.id) FROM bus_message m WHERE m.topic = $2 AND m.partition = p.partition), 0),
              now()
         FROM generate_series(0, $3::int - 1) AS p(partition)
       ON CONFLICT (consumer_group, topic, partition)
       DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [group, topic, partitions],
    );
  }

  // The direct outbox's announcements: one look at a time at the log's tail, for the messages after
  // the last look (every transaction committed since); a call during a look asks for one more.
  let announcing: Promise<void> | undefined;
  let announceAgain = false;
  async function lookAtTail(logTail: LogTail) {
    const rows = await sql.query<TailRow>(
      `SELECT id::text, topic, partition, message::text AS message FROM bus_message
        WHERE id > $1::bigint ORDER BY bus_message.id LIMIT $2`,
      [logTail.upTo, TAIL_LOOK],
    );
    for (const channel of logTail.take(rows)) published.emit(channel);
    // A full look may have left more: look again.
    if (rows.length === TAIL_LOOK) announceAgain = true;
  }
  // Rows whose writer did not announce them are seen within idlePollMs.
  const tailPoll = tail ? setInterval(() => announce(), idlePollMs) : undefined;
  tailPoll?.unref();
  function announce() {
    if (closed || !tail) return;
    if (announcing) {
      announceAgain = true;
      return;
    }
    announcing = (async () => {
      do {
        announceAgain = false;
        await lookAtTail(tail);
      } while (announceAgain && !closed);
    })()
      .catch((error: unknown) =>
        logger.warn({ reason: errorReason(error) }, 'could not look for new bus messages'),
      )
      .finally(() => {
        announcing = undefined;
      });
  }

  const ephemerals = new Set<Subscription>();

  return {
    kind: 'in-process',
    publish,
    ...(tail ? { announce } : {}),
    async subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
      if (closed) throw new Error('the bus is closed');
      const { group, topic } = subscribeOptions;
      if (subscribeOptions.ephemeral) await startAtNewest(group, topic);
      const groupKey = `${group}\u0000${topic}`;
      let members = groups.get(groupKey);
      if (!members) {
        members = new Set();
        groups.set(groupKey, members);
      }
      const member = new GroupMember(reader, subscribeOptions, logger, lanes);
      members.add(member);
      rebalance(groupKey);
      const subscription: Subscription = {
        async close(closeOptions) {
          if (!members.has(member)) return;
          members.delete(member);
          ephemerals.delete(subscription);
          await member.stop(closeOptions?.drain ?? true);
          rebalance(groupKey);
          if (subscribeOptions.ephemeral) {
            // A position acknowledged but not written (a member stopped without draining) is not kept.
            for (const [key, offset] of offsets)
              if (offset.group === group && offset.topic === topic) offsets.delete(key);
            await afterWriting();
            await sql.query('DELETE FROM bus_offset WHERE consumer_group = $1 AND topic = $2', [
              group,
              topic,
            ]);
          }
        },
      };
      if (subscribeOptions.ephemeral) ephemerals.add(subscription);
      return subscription;
    },
    async close() {
      await Promise.all([...ephemerals].map((subscription) => subscription.close()));
      const all = [...groups.entries()];
      groups.clear();
      await Promise.all(all.flatMap(([, members]) => [...members].map((member) => member.stop(true))));
      clearInterval(prune);
      clearInterval(tailPoll);
      clearInterval(offsetWrites);
      await writeOffsets().catch((error: unknown) =>
        logger.warn({ reason: errorReason(error) }, 'could not write the bus consumers’ positions on close'),
      );
      closed = true;
      await announcing;
    },
  };
}
