// The scoring service on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub.
import { createBus } from '@pronto/bus';
import { ConfigError, loadConfigOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { ScoringConfig } from './config.ts';
import { startScoring } from './start-scoring.ts';

const config = loadConfigOrExit('scoring', ScoringConfig, process.env);
const logger = createLogger({ name: 'scoring', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
let bus: Awaited<ReturnType<typeof createBus>>;
try {
  bus = await createBus(config, { sql: db.sql, logger, clientId: 'pronto-scoring' });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`scoring: ${error.message}\n`);
  await db.close();
  process.exit(1);
}
const scoring = await startScoring({ db, bus, logger });
logger.info({ bus: bus.kind }, 'scoring intents');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // 1. Finish the intent in hand and publish what it wrote; 2. then the bus; 3. then the database.
  await scoring.stop();
  await bus.close();
  await db.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
