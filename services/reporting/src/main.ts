// The reporting service on its own (distributed mode): folds lead-events into the report rows, serves
// the report API (also to a manager's session of the console) and /metrics. Breach alerts and NPS
// surveys are services of their own (services/alerts, services/surveys).
import { startOnBusOrExit } from '@pronto/bus';
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { buildSignedApiApp, createSessions, MANAGER_ROLE, startHealthServer } from '@pronto/http';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import { ReportingConfig } from './config.ts';
import { managerSessionAuthenticator } from './manager-readers.ts';
import { registerMetrics } from './metrics.ts';
import { reportingSignedRoutes } from './reporting-api.ts';
import { startReporting } from './start-reporting.ts';

const config = loadConfigOrExit('reporting', ReportingConfig, process.env);
const logger = createLogger({ name: 'reporting', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'reporting',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const { bus, started: reporting } = await startOnBusOrExit(
  'reporting',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-reporting',
    beforeExit: () => db.close(),
  },
  (bus) => startReporting({ db, bus, logger, redriveAfterMs: config.PRONTO_REDRIVE_AFTER_SECONDS * 1_000 }),
);
// Signed requests are checked with the tenant's API key secret, which only the master key opens.
const secretBox = config.PRONTO_MASTER_KEY
  ? createSecretBox(Buffer.from(config.PRONTO_MASTER_KEY, 'base64'))
  : undefined;
if (!secretBox) logger.warn('no HTTP API: PRONTO_MASTER_KEY is not set');
// The signed API app (@pronto/http) with reporting's routes: the same routes as the embedded process.
const app = secretBox ? await serveApi(secretBox) : undefined;

async function serveApi(box: NonNullable<typeof secretBox>) {
  const now = () => new Date();
  const sessions = createSessions({ role: MANAGER_ROLE, sql: db.sql, now });
  const server = await buildSignedApiApp({
    db,
    secretBox: box,
    logger,
    sessionAuthenticator: managerSessionAuthenticator(sessions),
    signedRoutes: reportingSignedRoutes({ sql: db.sql, now }),
    http: httpOptions(config),
  });
  await registerMetrics(server, { sql: db.sql });
  return server;
}
// Without it, GET /healthz alone on the same port, for container probes.
const health = app
  ? undefined
  : await startHealthServer({ db, logger, port: config.PORT, host: config.HOST, service: 'reporting' });
const url = app ? await app.listen({ port: config.PORT, host: config.HOST }) : health?.url;

onShutdown(logger, async () => {
  // 1. Stop answering; finish the lead event in hand; 2. then the bus;
  // 3. then the database.
  await app?.close();
  await health?.close();
  await reporting.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind, ...(url ? { url } : {}) }, 'reporting lead events');
