// The reporting service on its own (distributed mode): folds lead-events into the report rows that
// GET /v1/reports/sla reads (served by ingest from the same database).
import { createBusOrExit } from '@pronto/bus';
import { loadConfigOrExit, onShutdown } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { ReportingConfig } from './config.ts';
import { startReporting } from './start-reporting.ts';

const config = loadConfigOrExit('reporting', ReportingConfig, process.env);
const logger = createLogger({ name: 'reporting', level: config.LOG_LEVEL });
const db = await openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE });
const bus = await createBusOrExit('reporting', config, {
  sql: db.sql,
  logger,
  clientId: 'pronto-reporting',
  beforeExit: () => db.close(),
});
const reporting = await startReporting({ db, bus, logger });

onShutdown(logger, async () => {
  // 1. Finish the lead event in hand; 2. then the bus; 3. then the database.
  await reporting.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind }, 'reporting lead events');
