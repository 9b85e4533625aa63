// The intake service on its own (distributed mode): PostgreSQL, no demo data.
import { loadConfigOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import { buildApp } from './app.ts';
import { IngestConfig } from './config.ts';

const config = loadConfigOrExit('ingest', IngestConfig, process.env);

const logger = createLogger({ name: 'ingest', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
const app = await buildApp({
  db,
  secretBox: createSecretBox(Buffer.from(config.PRONTO_MASTER_KEY, 'base64')),
  logger,
});
const address = await app.listen({ port: config.PORT, host: config.HOST });
logger.info({ url: address }, 'listening');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // Stop taking requests and let those in flight commit and answer first; then the database can go.
  await app.close();
  await db.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
