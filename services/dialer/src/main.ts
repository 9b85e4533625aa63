// The dialer on its own (distributed mode): PostgreSQL for the campaigns' profiles, Kafka or Pub/Sub.
import { createBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { DialerConfig } from './config.ts';
import { campaignProfileLookup } from './simulated/campaign-profile-lookup.ts';
import { startSimulatedDialer } from './simulated/simulated-dialer.ts';

/** A campaign's changed dialer profile reaches the dialer within this time. */
const PROFILE_TTL_MS = 30_000;

const config = loadConfigOrExit('dialer', DialerConfig, process.env);
const logger = createLogger({ name: 'dialer', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
const bus = await createBusOrExit('dialer', config, {
  sql: db.sql,
  logger,
  clientId: 'pronto-dialer',
  beforeExit: () => db.close(),
});
const dialer = await startSimulatedDialer({
  bus,
  logger,
  profileFor: campaignProfileLookup(db.sql, { ttlMs: PROFILE_TTL_MS }),
});

onShutdown(logger, async () => {
  // 1. Stop taking requests (calls in flight are dropped: the dispatcher's dial deadline ends
  // them); 2. then the bus; 3. then the database.
  await dialer.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind, dialer: config.DIALER }, 'dialing');
