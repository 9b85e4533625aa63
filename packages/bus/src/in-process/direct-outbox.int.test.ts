import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, Delivery } from '../bus.ts';
import { consumeOnce } from '../consume-once.ts';
import { appendToOutbox } from '../outbox.ts';
import { startOutboxRelay } from '../outbox-relay.ts';
import { appendForKeys, testMessage, until } from '../testing/test-message.ts';
import { createInProcessBus, enableDirectOutbox, IN_PROCESS_PARTITIONS } from './in-process-bus.ts';
import { TAIL_MESSAGES_PER_PARTITION } from './log-tail.ts';
import { partitionFor } from './partition-for.ts';

const logger = createLogger({ name: 'direct-outbox', level: 'silent' });
/** Longer than any wait below: a message that arrives came through announce(), not a poll. */
const NO_POLL_MS = 600_000;

/** One transaction writing messages seq = from, from + 1, ... of key `a` to the outbox for `leads`. */
const appendForA = (db: TestDatabase, length: number, from = 0) =>
  db.sql.transaction((tx) =>
    appendToOutbox(
      tx,
      Array.from({ length }, (_, i) => ({ topic: 'leads', message: testMessage('a', from + i) })),
      new Date(),
    ),
  );

const count = async (db: TestDatabase, sql: string) =>
  (await db.sql.query<{ n: number }>(sql))[0]?.n ?? Number.NaN;

let opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const resource of opened.reverse()) await resource.close();
  opened = [];
});

describe('the in-process bus partition in SQL', () => {
  it('is the partition partitionFor gives, for every key', async () => {
    const db = await openTestDatabase();
    opened.push(db);
    const keys = [
      '',
      'a',
      'lead-1',
      'Anna Zielińska',
      'emoji 😀 and 𝄞, outside the BMP',
      '\u00ff\u0100\uffff',
      'x'.repeat(300),
      ...Array.from({ length: 200 }, () => randomUUID()),
    ];
    for (const partitions of [1, 8, 12]) {
      const rows = await db.sql.query<{ key: string; partition: number }>(
        'SELECT k AS key, pronto_partition_for(k, $2) AS partition FROM unnest($1::text[]) AS k',
        [keys, partitions],
      );
      expect(rows.map((row) => row.partition)).toEqual(keys.map((key) => partitionFor(key, partitions)));
    }
  });
});

describe('the direct outbox (the embedded database)', () => {
  async function start(direct: boolean) {
    const db = await openTestDatabase('pglite');
    opened.push(db);
    const after = direct ? await enableDirectOutbox(db.sql) : undefined;
    const bus: Bus = createInProcessBus({
      sql: db.sql,
      logger,
      idlePollMs: NO_POLL_MS,
      ...(after === undefined ? {} : { directOutboxAfter: after }),
    });
    opened.push(bus);
    const relay = startOutboxRelay({
      sql: db.sql,
      bus,
      logger,
      topics: ['leads'],
      exclusive: false,
      idlePollMs: NO_POLL_MS,
    });
    opened.push({ close: () => relay.stop() });
    await db.sql.exec('CREATE TABLE effect (message_id text, key text, seq int)');
    const got: Delivery[] = [];
    const handler = async (delivery: Delivery) => {
      got.push(delivery);
      await consumeOnce(db.sql, 'g', delivery.message.id, (tx) =>
        tx.query('INSERT INTO effect VALUES ($1, $2, $3)', [
          delivery.message.id,
          delivery.message.key,
          (delivery.message.payload as { seq: number }).seq,
        ]),
      );
    };
    const subscription = await bus.subscribe({ topic: 'leads', group: 'g', handler });
    // The consumer has read the log to its end and waits (for a wake-up: its poll is minutes away).
    await bus.publish('leads', [testMessage('warm-up', 0)]);
    await until('the consumer acknowledged its first message', async () => {
      const [row] = await db.sql.query<{ acknowledged: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM bus_offset WHERE consumer_group = 'g' AND position > 0) AS acknowledged`,
      );
      return row?.acknowledged === true;
    });
    got.length = 0;
    await db.sql.query('DELETE FROM effect');
    return { db, bus, relay, got, handler, subscription };
  }

  it('delivers each committed transaction’s messages in order per key, applied once, with no outbox row and no relay', async () => {
    const { db, relay, got } = await start(true);
    // Thirty transactions at once, each announcing three keys' next messages, as intake and scoring do.
    await Promise.all(Array.from({ length: 30 }, (_, seq) => appendForKeys(db.sql, relay, seq)));
    // A transaction that rolls back takes its messages with it.
    await expect(
      db.sql.transaction(async (tx) => {
        await appendToOutbox(tx, [{ topic: 'leads', message: testMessage('a', 999) }], new Date());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    relay.wake();

    await until('90 messages arrived', () => got.length >= 90);
    for (const key of ['a', 'b', 'c']) {
      const seqs = got
        .filter((delivery) => delivery.message.key === key)
        .map((delivery) => (delivery.message.payload as { seq: number }).seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(30);
    }
    expect(got.some((delivery) => (delivery.message.payload as { seq: number }).seq === 999)).toBe(false);
    expect(await count(db, 'SELECT count(*)::int AS n FROM outbox')).toBe(0);
    expect(await count(db, "SELECT count(*)::int AS n FROM bus_message WHERE key <> 'warm-up'")).toBe(90);
    expect(await count(db, 'SELECT count(DISTINCT message_id)::int AS n FROM effect')).toBe(90);
    expect(await count(db, 'SELECT count(*)::int AS n FROM effect')).toBe(90);
  });

  it('applies a redelivered message once: a consumer that lost its position reads the log again', async () => {
    const { db, bus, relay, got, handler, subscription } = await start(true);
    await appendForA(db, 10);
    relay.wake();
    await until('10 messages arrived', () => got.length === 10);
    // Its acknowledged positions gone (a crash before they were written): the group reads from the start.
    await subscription.close();
    await db.sql.query("DELETE FROM bus_offset WHERE consumer_group = 'g'");
    const again = await bus.subscribe({ topic: 'leads', group: 'g', handler });
    await until('they arrived again (and the warm-up message)', () => got.length === 21);
    await again.close();
    expect(await count(db, 'SELECT count(*)::int AS n FROM effect')).toBe(10);
  });

  it('gives a group that starts far behind the kept tail every message in order, from the log', async () => {
    const { db, bus, relay, got } = await start(true);
    const count = TAIL_MESSAGES_PER_PARTITION * 3;
    await appendForA(db, count);
    relay.wake();
    await until('the up-to-date group has them all', () => got.length === count);
    // A new group starts at the log's beginning: more messages of its partition than the tail keeps.
    const late: number[] = [];
    const subscription = await bus.subscribe({
      topic: 'leads',
      group: 'late',
      handler: async (delivery) => {
        if (delivery.message.key === 'a') late.push((delivery.message.payload as { seq: number }).seq);
      },
    });
    opened.push(subscription);
    await until('the late group has them all', () => late.length >= count);
    expect(late).toEqual(Array.from({ length: count }, (_, seq) => seq));
  });

  it('delivers rows whose writer never announced them, at the next poll', async () => {
    const db = await openTestDatabase('pglite');
    opened.push(db);
    const bus = createInProcessBus({
      sql: db.sql,
      logger,
      idlePollMs: 200,
      directOutboxAfter: await enableDirectOutbox(db.sql),
    });
    opened.push(bus);
    const got: number[] = [];
    await bus.subscribe({
      topic: 'leads',
      group: 'g',
      handler: async (delivery) => {
        got.push((delivery.message.payload as { seq: number }).seq);
      },
    });
    // No relay and no announce(): only the bus's own look at the log's tail finds them.
    await appendForA(db, 3, 1);
    await until('the three arrived', () => got.length === 3);
    expect(got).toEqual([1, 2, 3]);
  });

  it('writes a closing consumer’s position before close() resolves', async () => {
    const { db, relay, got, subscription } = await start(true);
    await appendForA(db, 5);
    relay.wake();
    await until('5 messages arrived', () => got.length === 5);
    await subscription.close();
    const [newest] = await db.sql.query<{ id: string }>(
      "SELECT max(id)::text AS id FROM bus_message WHERE key = 'a'",
    );
    const [position] = await db.sql.query<{ position: string }>(
      `SELECT position::text FROM bus_offset WHERE consumer_group = 'g' AND partition = $1`,
      [partitionFor('a', IN_PROCESS_PARTITIONS)],
    );
    expect(position?.position).toBe(newest?.id);
  });

  it('is off unless turned on: the rows wait in the outbox for the relay, as on PostgreSQL', async () => {
    const { db, relay, got } = await start(false);
    await db.sql.transaction((tx) =>
      appendToOutbox(tx, [{ topic: 'leads', message: testMessage('a', 1) }], new Date()),
    );
    expect(await count(db, 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL')).toBe(1);
    expect(await count(db, "SELECT count(*)::int AS n FROM bus_message WHERE key <> 'warm-up'")).toBe(0);
    relay.wake();
    await until('the relay published it', () => got.length === 1);
    expect(await count(db, 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NOT NULL')).toBe(1);
  });
});
