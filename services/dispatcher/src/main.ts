// The dispatcher on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub.
import { createBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { DispatcherConfig } from './config.ts';
import { startDispatcher } from './start-dispatcher.ts';

const config = loadConfigOrExit('dispatcher', DispatcherConfig, process.env);
const logger = createLogger({ name: 'dispatcher', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
const bus = await createBusOrExit('dispatcher', config, {
  sql: db.sql,
  logger,
  clientId: 'pronto-dispatcher',
  beforeExit: () => db.close(),
});
const dispatcher = await startDispatcher({ db, bus, logger });

onShutdown(logger, async () => {
  // 1. Finish the round and the message in hand and publish what it wrote; 2. then the bus; 3. then the database.
  await dispatcher.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind }, 'dispatching leads');
