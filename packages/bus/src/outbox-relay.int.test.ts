import { randomUUID } from 'node:crypto';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase, type TestDatabase } from '@pronto/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, Delivery } from './bus.ts';
import { consumeOnce } from './consume-once.ts';
import { createInProcessBus } from './in-process/in-process-bus.ts';
import { appendToOutbox } from './outbox.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import { appendForKeys, testMessage, until } from './testing/test-message.ts';

const logger = createLogger({ name: 'relay', level: 'silent' });

describe('outbox relay', () => {
  let db: TestDatabase;
  let bus: Bus;
  beforeEach(async () => {
    db = await openTestDatabase();
    bus = createInProcessBus({ sql: db.sql, logger });
  });
  afterEach(async () => {
    await bus.close();
    await db.close();
  });

  it('publishes committed outbox rows in order per key and marks them sent', async () => {
    const got: Delivery[] = [];
    await bus.subscribe({ topic: 'leads', group: 'g', handler: async (d) => void got.push(d) });
    const relay = startOutboxRelay({
      sql: db.sql,
      bus,
      logger,
      topics: ['leads'],
      exclusive: db.kind === 'postgres',
    });
    for (let seq = 0; seq < 30; seq++) await appendForKeys(db.sql, relay, seq);
    await relay.flush();
    await until('90 messages arrived', () => got.length === 90);
    for (const key of ['a', 'b', 'c']) {
      const seqs = got
        .filter((d) => d.message.key === key)
        .map((d) => (d.message.payload as { seq: number }).seq);
      expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i));
    }
    const [left] = await db.sql.query<{ unsent: number }>(
      'SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL',
    );
    expect(left?.unsent).toBe(0);
    await relay.stop();
  });

  it('keeps rows the bus refused and publishes them once the bus is back', async () => {
    let refusals = 2;
    // A bus reached over the network (as Kafka or Pub/Sub are) that refuses the first two publishes.
    const flaky: Bus = {
      kind: 'kafka',
      subscribe: (options) => bus.subscribe(options),
      close: () => bus.close(),
      async publish(topic, messages) {
        if (refusals-- > 0) throw new Error('broker unavailable');
        return bus.publish(topic, messages);
      },
    };
    const got: Delivery[] = [];
    await bus.subscribe({ topic: 'leads', group: 'g', handler: async (d) => void got.push(d) });
    await db.sql.transaction((tx) =>
      appendToOutbox(tx, [{ topic: 'leads', message: testMessage('a', 1) }], new Date()),
    );
    const relay = startOutboxRelay({
      sql: db.sql,
      bus: flaky,
      logger,
      topics: ['leads'],
      exclusive: db.kind === 'postgres',
      idlePollMs: 20,
    });
    await until('the message arrived after two refusals', () => got.length === 1);
    expect(refusals).toBeLessThan(0);
    await relay.stop();
  });

  it('applies a redelivered message once: the consumer records its id with the effect', async () => {
    await db.sql.exec('CREATE TABLE effect (n int)');
    const apply = (id: string) =>
      consumeOnce(db.sql, 'counter', id, (tx) => tx.query('INSERT INTO effect VALUES (1)'));
    const id = randomUUID();
    const results = await Promise.all([apply(id), apply(id), apply(id)]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    await expect(
      consumeOnce(db.sql, 'counter', randomUUID(), async (tx) => {
        await tx.query('INSERT INTO effect VALUES (1)');
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    const [count] = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM effect');
    expect(count?.n).toBe(1);
  });
});
