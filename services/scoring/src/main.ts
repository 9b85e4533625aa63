// The scoring service on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub.
import { startOnBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { startHealthServer } from '@pronto/http';
import { createLogger } from '@pronto/telemetry';
import { ScoringConfig } from './config.ts';
import { startScoring } from './start-scoring.ts';

const config = loadConfigOrExit('scoring', ScoringConfig, process.env);
const logger = createLogger({ name: 'scoring', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'scoring',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const { bus, started: scoring } = await startOnBusOrExit(
  'scoring',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-scoring',
    beforeExit: () => db.close(),
  },
  (bus) => startScoring({ db, bus, logger, redriveAfterMs: config.PRONTO_REDRIVE_AFTER_SECONDS * 1_000 }),
);
// GET /healthz for container probes, once the service is started.
const health = await startHealthServer({
  db,
  logger,
  port: config.PORT,
  host: config.HOST,
  service: 'scoring',
});

onShutdown(logger, async () => {
  // 1. Stop answering probes (the process is going away); 2. finish the intent in hand and publish
  // what it wrote; 3. then the bus; 4. then the database.
  await health.close();
  await scoring.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind, url: health.url }, 'scoring intents');
