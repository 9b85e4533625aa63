// The dispatcher on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub.
import { startOnBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { DispatcherConfig } from './config.ts';
import { startDispatcher } from './start-dispatcher.ts';

const config = loadConfigOrExit('dispatcher', DispatcherConfig, process.env);
const logger = createLogger({ name: 'dispatcher', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'dispatcher',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const { bus, started: dispatcher } = await startOnBusOrExit(
  'dispatcher',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-dispatcher',
    beforeExit: () => db.close(),
  },
  (bus) => startDispatcher({ db, bus, logger }),
);

onShutdown(logger, async () => {
  // 1. Finish the round and the message in hand and publish what it wrote; 2. then the bus; 3. then the database.
  await dispatcher.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind }, 'dispatching leads');
