// The agent gateway on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub.
import { startOnBusOrExit } from '@pronto/bus';
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { buildGatewayApp } from './build-gateway-app.ts';
import { AgentGatewayConfig } from './config.ts';

const config = loadConfigOrExit('agent-gateway', AgentGatewayConfig, process.env);
const logger = createLogger({ name: 'agent-gateway', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'agent-gateway',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const { bus, started: app } = await startOnBusOrExit(
  'agent-gateway',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-agent-gateway',
    beforeExit: () => db.close(),
  },
  (bus) =>
    buildGatewayApp({
      db,
      bus,
      logger,
      http: httpOptions(config),
      leaseMs: config.PRONTO_GATEWAY_LEASE_SECONDS * 1_000,
    }),
);
const address = await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(logger, async () => {
  // 1. Close the sockets and publish each agent's offline (the app's close does both); 2. then the
  // bus; 3. then the database.
  await app.close();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ url: address, bus: bus.kind }, 'listening');
