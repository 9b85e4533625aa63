// The dispatcher on its own (distributed mode): PostgreSQL and Kafka or Pub/Sub. With
// PRONTO_MASTER_KEY it also serves the staffing advice (GET /v1/staffing), whose simulator runs
// this service's dispatch policy, to signed requests and managers' console sessions.
import { startOnBusOrExit } from '@pronto/bus';
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import {
  buildSignedApiApp,
  createSessions,
  MANAGER_ROLE,
  managerSessionAuthenticator,
  startHealthServer,
} from '@pronto/http';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox, type SecretBox } from '@pronto/tenancy';
import { DispatcherConfig } from './config.ts';
import { staffingSignedRoutes } from './staffing/index.ts';
import { startDispatcher } from './start-dispatcher.ts';

const config = loadConfigOrExit('dispatcher', DispatcherConfig, process.env);
const logger = createLogger({ name: 'dispatcher', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'dispatcher',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const { bus, started: dispatcher } = await startOnBusOrExit(
  'dispatcher',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-dispatcher',
    beforeExit: () => db.close(),
  },
  (bus) =>
    startDispatcher({
      db,
      bus,
      logger,
      settings: { leaseMs: config.PRONTO_DISPATCH_LEASE_SECONDS * 1_000 },
    }),
);
// The staffing API, when there is a master key: it opens the API keys' secrets that sign the requests.
const app = config.PRONTO_MASTER_KEY
  ? await serveApi(createSecretBox(Buffer.from(config.PRONTO_MASTER_KEY, 'base64')))
  : undefined;
if (!app) logger.warn('no staffing API: PRONTO_MASTER_KEY is not set');

/** The signed API app (@pronto/http) with the staffing route: the same route as the embedded process. */
async function serveApi(box: SecretBox) {
  const now = () => new Date();
  const sessions = createSessions({ role: MANAGER_ROLE, sql: db.sql, now });
  return buildSignedApiApp({
    db,
    secretBox: box,
    logger,
    sessionAuthenticator: managerSessionAuthenticator(sessions, ['/v1/staffing']),
    signedRoutes: staffingSignedRoutes({ sql: db.sql, now }),
    http: httpOptions(config),
  });
}
// Without it, GET /healthz alone on the same port, for container probes.
const health = app
  ? undefined
  : await startHealthServer({ db, logger, port: config.PORT, host: config.HOST, service: 'the dispatcher' });
const url = app ? await app.listen({ port: config.PORT, host: config.HOST }) : health?.url;

onShutdown(logger, async () => {
  // 1. Stop answering; 2. finish the round and the message in hand and publish what it wrote;
  // 3. then the bus; 4. then the database.
  await app?.close();
  await health?.close();
  await dispatcher.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind, ...(url ? { url } : {}) }, 'dispatching leads');
