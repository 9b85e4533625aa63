// The agent gateway on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub.
import { createBusOrExit } from '@pronto/bus';
import { loadConfigOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { buildGatewayApp } from './build-gateway-app.ts';
import { AgentGatewayConfig } from './config.ts';

const config = loadConfigOrExit('agent-gateway', AgentGatewayConfig, process.env);
const logger = createLogger({ name: 'agent-gateway', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
const bus = await createBusOrExit('agent-gateway', config, {
  sql: db.sql,
  logger,
  clientId: 'pronto-agent-gateway',
  beforeExit: () => db.close(),
});
const app = await buildGatewayApp({ db, bus, logger });
const address = await app.listen({ port: config.PORT, host: config.HOST });
logger.info({ url: address, bus: bus.kind }, 'listening');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // Each step below has its own limit; this one is for what nobody foresaw.
  const force = setTimeout(() => {
    logger.error('shutdown took over 20 s; exiting');
    process.exit(1);
  }, 20_000);
  force.unref();
  // 1. Close the sockets and publish each agent's offline (the app's close does both); 2. then the
  // bus; 3. then the database.
  await app.close();
  await bus.close();
  await db.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
