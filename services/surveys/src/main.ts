// The surveys service on its own (distributed mode): asks each contact's person for an NPS score
// (lead-events in, survey-requests out) and takes their replies on its signed API.
import { startOnBusOrExit } from '@pronto/bus';
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { buildSignedApiApp, startHealthServer } from '@pronto/http';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import { SurveysConfig } from './config.ts';
import { startSurveys } from './start-surveys.ts';
import { surveysSignedRoutes } from './surveys-api.ts';

const config = loadConfigOrExit('surveys', SurveysConfig, process.env);
const logger = createLogger({ name: 'surveys', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL and the broker not ready yet: it waits for them.
const db = await waitUntilReadyOrExit(
  'surveys',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const { bus, started: surveys } = await startOnBusOrExit(
  'surveys',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-surveys',
    beforeExit: () => db.close(),
  },
  (bus) => startSurveys({ db, bus, logger }),
);
// Signed replies are checked with the tenant's API key secret, which only the master key opens.
const secretBox = config.PRONTO_MASTER_KEY
  ? createSecretBox(Buffer.from(config.PRONTO_MASTER_KEY, 'base64'))
  : undefined;
if (!secretBox) logger.warn('no HTTP API: PRONTO_MASTER_KEY is not set');
// The signed API app (@pronto/http) with this service's routes: the same routes as the embedded process.
const app = secretBox
  ? await buildSignedApiApp({
      db,
      secretBox,
      logger,
      signedRoutes: surveysSignedRoutes({ sql: db.sql, now: () => new Date() }),
      http: httpOptions(config),
    })
  : undefined;
// Without it, GET /healthz alone on the same port, for container probes.
const health = app
  ? undefined
  : await startHealthServer({ db, logger, port: config.PORT, host: config.HOST, service: 'surveys' });
const url = app ? await app.listen({ port: config.PORT, host: config.HOST }) : health?.url;

onShutdown(logger, async () => {
  // 1. Stop answering; finish the lead event in hand and the relay's batch; 2. then the bus;
  // 3. then the database.
  await app?.close();
  await health?.close();
  await surveys.stop();
  await bus.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ bus: bus.kind, ...(url ? { url } : {}) }, 'asking for NPS scores');
