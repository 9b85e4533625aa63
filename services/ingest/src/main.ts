// The intake service on its own (distributed mode): PostgreSQL, Kafka or Pub/Sub, no demo data.
import { startOnBusOrExit, startOutboxRelay } from '@pronto/bus';
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { IntentReceivedV1 } from '@pronto/contracts';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import { buildApp } from './app.ts';
import { IngestConfig } from './config.ts';

const config = loadConfigOrExit('ingest', IngestConfig, process.env);

const logger = createLogger({ name: 'ingest', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'ingest',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
// Accepted events reach the bus through the outbox: committed first, published right after (a
// broker that is down meanwhile only delays them: the relay retries and the rows wait).
const { bus, started: relay } = await startOnBusOrExit(
  'ingest',
  config,
  { sql: db.sql, logger, clientId: 'pronto-ingest', beforeExit: () => db.close() },
  async (bus) =>
    startOutboxRelay({ sql: db.sql, bus, logger, topics: [IntentReceivedV1.topic], exclusive: true }),
);
const app = await buildApp({
  db,
  secretBox: createSecretBox(Buffer.from(config.PRONTO_MASTER_KEY, 'base64')),
  logger,
  writer: { maxConcurrency: config.PRONTO_WRITER_CONCURRENCY },
  onEventsCommitted: () => relay.wake(),
  http: httpOptions(config),
});
const address = await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(logger, async () => {
  // 1. Stop taking requests; those in flight commit and answer.
  await app.close();
  // 2. Publish what they wrote (what is left is published by the next start: nothing is lost).
  await Promise.race([relay.flush(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  await relay.stop();
  // 3. Then the bus and the database can go.
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ url: address, bus: bus.kind }, 'listening');
