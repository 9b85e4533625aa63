// The dialer on its own (distributed mode): PostgreSQL for the campaigns' profiles, Kafka or Pub/Sub,
// and for DIALER=asterisk the PBX's AMI.
import { startOnBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { startHealthServer } from '@pronto/http';
import { createLogger } from '@pronto/telemetry';
import { DialerConfig } from './config.ts';
import { startDialer } from './start-dialer.ts';
import { DIALER_START_FAILURES } from './start-failures.ts';

const config = loadConfigOrExit('dialer', DialerConfig, process.env);
const logger = createLogger({ name: 'dialer', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'dialer',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const { bus, started: dialer } = await startOnBusOrExit(
  'dialer',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-dialer',
    beforeExit: () => db.close(),
    ...DIALER_START_FAILURES,
  },
  (bus) => startDialer(config, { bus, logger, sql: db.sql }),
);
// GET /healthz for container probes, once the dialer is started.
const health = await startHealthServer({
  db,
  logger,
  port: config.PORT,
  host: config.HOST,
  service: 'the dialer',
});

onShutdown(logger, async () => {
  // 1. Stop answering probes (the process is going away); 2. stop taking requests (the simulated
  // dialer drops its calls, the dispatcher's dial deadline ends them; calls in Asterisk go on to
  // their end); 3. then the bus; 4. then the database.
  await health.close();
  await dialer.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind, dialer: dialer.kind, url: health.url }, 'dialing');
