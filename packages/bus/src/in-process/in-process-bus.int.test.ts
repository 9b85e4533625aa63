import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, snapshotOf } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import { appendToOutbox } from '../outbox.ts';
import { type BusUnderTest, describeBusContract } from '../testing/bus-contract.ts';
import { createInProcessBus, enableDirectOutbox } from './in-process-bus.ts';

/**
 * The in-process bus on the test database; `direct`: on the embedded database with its direct outbox,
 * as `npm start` runs it, so consumers that are up to date read the log's tail (LogTail).
 */
const inProcessBus = (direct: boolean) => async (): Promise<BusUnderTest> => {
  const db = await openTestDatabase(direct ? 'pglite' : undefined);
  const bus = createInProcessBus({
    sql: db.sql,
    logger: createLogger({ name: 'bus', level: 'silent' }),
    ...(direct ? { directOutboxAfter: await enableDirectOutbox(db.sql) } : {}),
  });
  // The in-process bus lives in its process's database, so "kill -9 the consumer" kills the bus
  // and the outbox relay with it: the consumer process relays an outbox written here beforehand, and
  // what its death left unpublished, or published but not marked sent, the next process relays.
  // The embedded database takes one process, so on PGlite that database is a folder of its own.
  const folder = db.url ? undefined : mkdtempSync(join(tmpdir(), 'pronto-bus-kill-'));
  const database = db.url ? { url: db.url } : { dataDir: join(folder as string, 'db') };
  return {
    bus,
    redeliveryWithinMs: 0,
    consumerProcess: (topic, group) => ({
      bus: 'in-process',
      topic,
      group,
      handleMs: 5,
      database,
      relayBatchSize: 1,
    }),
    async publishForProcess(topic, messages) {
      // A copy of this migrated database: a folder that replays every migration takes far longer.
      const target =
        'url' in database ? db : await openDatabase({ ...database, snapshot: await snapshotOf(db) });
      try {
        await appendToOutbox(
          target.sql,
          messages.map((message) => ({ topic, message })),
          new Date(),
        );
      } finally {
        if (target !== db) await target.close();
      }
    },
    async groupExists(topic, group) {
      const rows = await db.sql.query('SELECT 1 FROM bus_offset WHERE consumer_group = $1 AND topic = $2', [
        group,
        topic,
      ]);
      return rows.length > 0;
    },
    async close() {
      await bus.close();
      await db.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
};

describeBusContract('in-process (database log)', inProcessBus(false));
describeBusContract('in-process, direct outbox (the embedded database)', inProcessBus(true));
