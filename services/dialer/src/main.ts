// The dialer on its own (distributed mode): PostgreSQL for the campaigns' profiles, Kafka or Pub/Sub,
// and for DIALER=asterisk the PBX's AMI.
import { createBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { DialerConfig } from './config.ts';
import { startDialerOrExit } from './start-dialer.ts';

const config = loadConfigOrExit('dialer', DialerConfig, process.env);
const logger = createLogger({ name: 'dialer', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
const bus = await createBusOrExit('dialer', config, {
  sql: db.sql,
  logger,
  clientId: 'pronto-dialer',
  beforeExit: () => db.close(),
});
const dialer = await startDialerOrExit('dialer', config, {
  bus,
  logger,
  sql: db.sql,
  beforeExit: async () => {
    await bus.close();
    await db.close();
  },
});

onShutdown(logger, async () => {
  // 1. Stop taking requests (the simulated dialer drops its calls, the dispatcher's dial deadline
  // ends them; calls in Asterisk go on to their end); 2. then the bus; 3. then the database.
  await dialer.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind, dialer: dialer.kind }, 'dialing');
