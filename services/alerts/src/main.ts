// The alerts service on its own (distributed mode): sweeps the report for breached leads and campaigns
// crossing their attainment threshold, POSTs the signed webhooks, and serves the alert settings.
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { buildSignedApiApp } from '@pronto/http';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import { alertsSignedRoutes } from './alerts-api.ts';
import { AlertsConfig } from './config.ts';
import { startAlerts } from './start-alerts.ts';

const config = loadConfigOrExit('alerts', AlertsConfig, process.env);
const logger = createLogger({ name: 'alerts', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL not ready yet: it waits for it.
const db = await waitUntilReadyOrExit(
  'alerts',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
// Alerts are signed, and settings requests checked, with the tenant's API key secret, which only the
// master key opens.
const secretBox = createSecretBox(Buffer.from(config.PRONTO_MASTER_KEY, 'base64'));
const alerts = startAlerts({ db, secretBox, logger });
// The signed API app (@pronto/http) with this service's routes: the same routes as the embedded process.
const app = await buildSignedApiApp({
  db,
  secretBox,
  logger,
  signedRoutes: alertsSignedRoutes({ sql: db.sql, now: () => new Date() }),
  http: httpOptions(config),
});
const url = await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(logger, async () => {
  // 1. Stop answering; finish the alerts round in hand; 2. then the database.
  await app.close();
  await alerts.stop();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ url }, 'sending breach alerts');
