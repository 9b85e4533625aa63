// The scoring service on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub.
import { createBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { ScoringConfig } from './config.ts';
import { startScoring } from './start-scoring.ts';

const config = loadConfigOrExit('scoring', ScoringConfig, process.env);
const logger = createLogger({ name: 'scoring', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
const bus = await createBusOrExit('scoring', config, {
  sql: db.sql,
  logger,
  clientId: 'pronto-scoring',
  beforeExit: () => db.close(),
});
const scoring = await startScoring({ db, bus, logger });

onShutdown(logger, async () => {
  // 1. Finish the intent in hand and publish what it wrote; 2. then the bus; 3. then the database.
  await scoring.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind }, 'scoring intents');
