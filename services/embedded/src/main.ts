// `npm start`: every service in one process, on the embedded database unless DATABASE_URL is set.
import { join, resolve } from 'node:path';
import { registerAgentGateway, startDemoBots } from '@pronto/agent-gateway';
import { alertsSignedRoutes, startAlerts } from '@pronto/alerts';
import { startOnBusOrExit } from '@pronto/bus';
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { consoleAdmin, registerConsole } from '@pronto/console';
import { openDatabase } from '@pronto/db';
import { DIALER_START_FAILURES } from '@pronto/dialer';
import { staffingSignedRoutes } from '@pronto/dispatcher';
import { createSessions, MANAGER_ROLE, managerSessionAuthenticator } from '@pronto/http';
import { buildApp } from '@pronto/ingest';
import { registerMetrics, reportingSignedRoutes } from '@pronto/reporting';
import { surveysSignedRoutes } from '@pronto/surveys';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import type { FastifyInstance } from 'fastify';
import { banner } from './banner.ts';
import { EmbeddedConfig } from './config.ts';
import { loadOrCreateMasterKey, lockDataFolder } from './data-folder.ts';
import { seedAdminKey } from './seed-admin-key.ts';
import { seedDemo } from './seed-demo.ts';
import { parseSipEndpoints, seedDemoAgents } from './seed-demo-agents.ts';
import { seedDemoHistory } from './seed-demo-history.ts';
import { seedDemoManager } from './seed-demo-manager.ts';
import { startPipeline } from './start-pipeline.ts';
import { startVacuum } from './vacuum.ts';

// Whatever this process writes (the database, the pid file, secrets) is for its user alone.
process.umask(0o077);
const config = loadConfigOrExit('pronto', EmbeddedConfig, process.env);

const logger = createLogger({ name: 'pronto', level: config.LOG_LEVEL });
const dataDir = resolve(config.PRONTO_DATA_DIR);
let unlock: (() => Promise<void>) | undefined;
try {
  unlock = await lockDataFolder(dataDir);
} catch (error) {
  process.stderr.write(`pronto: ${(error as Error).message}\n`);
  process.exit(1);
}

// On PostgreSQL (DATABASE_URL) the server may not be up yet: the process waits for it.
const databaseUrl = config.DATABASE_URL;
const db = databaseUrl
  ? await waitUntilReadyOrExit('pronto', () => openDatabase({ url: databaseUrl }), {
      what: 'PostgreSQL',
      logger,
      timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS,
      beforeExit: async () => {
        await unlock?.();
      },
    })
  : await openDatabase({
      dataDir: join(dataDir, 'db'),
      thread: config.PRONTO_EMBEDDED_DB_THREAD,
      sharedBuffers: config.PRONTO_EMBEDDED_DB_SHARED_BUFFERS,
    });
const secretBox = createSecretBox(await loadOrCreateMasterKey(dataDir, config.PRONTO_MASTER_KEY));
const demo =
  config.PRONTO_DEMO === '1'
    ? await seedDemo(db.prisma, secretBox, {
        dataDir,
        ...(config.PRONTO_DEMO_SECRET ? { secret: config.PRONTO_DEMO_SECRET } : {}),
      })
    : undefined;
const demoAgents = demo
  ? await seedDemoAgents(db.prisma, {
      tenantId: demo.tenantId,
      dataDir,
      bots: config.PRONTO_DEMO_BOTS,
      sipEndpoints: parseSipEndpoints(config.PRONTO_DEMO_SIP_ENDPOINTS),
    })
  : undefined;
const demoManager = demo ? await seedDemoManager(db.sql, { tenantId: demo.tenantId, dataDir }) : undefined;
// Four weeks of past leads, so the staffing page has a forecast on the first start.
if (demo) await seedDemoHistory(db.sql, { tenantId: demo.tenantId, now: new Date() });

const vacuum = startVacuum(db, logger);
const {
  bus,
  started: { relay, scoring, dispatcher, reporting, surveys, dialer },
} = await startOnBusOrExit(
  'pronto',
  config,
  {
    sql: db.sql,
    logger,
    clientId: 'pronto-embedded',
    // One connection to the embedded database: outbox rows go straight into the bus's log, no relay.
    directOutbox: db.kind === 'pglite',
    beforeExit: async () => {
      vacuum.stop();
      await db.close();
      await unlock?.();
    },
    ...DIALER_START_FAILURES,
  },
  (bus) =>
    startPipeline({
      db,
      bus,
      logger,
      dialer: config,
      redriveAfterMs: config.PRONTO_REDRIVE_AFTER_SECONDS * 1_000,
    }),
);
// Breach alerts: signed webhooks for breached leads and campaigns below their attainment threshold.
const alerts = startAlerts({ db, secretBox, logger });
// Managers' sessions: the console's sign-in, also accepted by GET /v1/reports/* and GET /v1/staffing for their tenant.
const managerSessions = createSessions({ role: MANAGER_ROLE, sql: db.sql, now: () => new Date() });
// Proxy, timeout and the pages' origins: the same for the intake API, the desktop and the dashboard.
const http = httpOptions(config);
// The admin API (/v1/admin): operator keys, or a manager's or admin's console session.
const admin = consoleAdmin({
  sql: db.sql,
  secretBox,
  logger,
  managerSessions,
  http,
  app: () => app,
});
const app: FastifyInstance = await buildApp({
  db,
  secretBox,
  logger,
  writer: { maxConcurrency: config.PRONTO_WRITER_CONCURRENCY },
  onEventsCommitted: () => relay.wake(),
  sessionAuthenticator: managerSessionAuthenticator(managerSessions, ['/v1/reports/', '/v1/staffing']),
  operatorSession: admin.operatorSession,
  // Each service's signed API behind the one signature check: the report and KPIs, the staffing advice,
  // NPS replies, alert settings.
  signedRoutes: [
    ...reportingSignedRoutes({ sql: db.sql, now: () => new Date() }),
    ...staffingSignedRoutes({ sql: db.sql, now: () => new Date() }),
    ...surveysSignedRoutes({ sql: db.sql, now: () => new Date() }),
    ...alertsSignedRoutes({ sql: db.sql, now: () => new Date() }),
    ...admin.signedRoutes,
  ],
  http,
});
const gateway = await registerAgentGateway(app, { db, bus, logger, http });
await registerMetrics(app, { sql: db.sql });
await registerConsole(app, { sql: db.sql, sessions: managerSessions, logger, http });
const address = await app.listen({ port: config.PORT, host: config.HOST });
const url = address.replace('[::1]', 'localhost');
logger.info(
  {
    url,
    database: db.kind,
    ...(db.kind === 'pglite' ? { databaseThread: config.PRONTO_EMBEDDED_DB_THREAD } : {}),
    dataDir,
  },
  'listening',
);
// The first admin key, for `pronto login --key-file`: written once the URL it works at is known.
const adminKey = await seedAdminKey(db.sql, secretBox, { dataDir, url });
const bots =
  demoAgents && demoAgents.bots.length > 0
    ? startDemoBots({
        baseUrl: url,
        // Their sockets come from the desktop's origin, as a browser's would.
        ...(http.publicOrigins?.[0] ? { origin: http.publicOrigins[0] } : {}),
        agents: demoAgents.bots,
        logger: logger.child({ component: 'demo-bots' }),
      })
    : undefined;
onShutdown(
  logger,
  async () => {
    // 1. The demo agents leave, then the intake stops taking requests and the desktops are closed;
    //    requests in flight are committed and answered (the intake drains its writer).
    await bots?.stop();
    await gateway.close();
    await app.close();
    // 2. Publish what was accepted, and let each service finish the message in hand; anything left
    //    over is still in the outbox and the bus log, and is taken up by the next start.
    await Promise.race([relay.flush(), new Promise((resolve) => setTimeout(resolve, 3_000))]);
    await relay.stop();
    await scoring.stop();
    await dispatcher.stop();
    await reporting.stop();
    await surveys.stop();
    await alerts.stop();
    await dialer.stop();
    await bus.close();
    vacuum.stop();
    // 3. Only then close the database, so no accepted event is cut off mid-commit.
    await db.close();
    // 4. Free the data folder for the next start.
    await unlock?.();
  },
  15_000,
);

// The banner says the process is ready, so it comes once a stop signal is handled.
process.stdout.write(
  `${banner({
    url,
    database: config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded, in ${join(dataDir, 'db')}`,
    adminKeyFile: adminKey.file,
    ...(demo ? { demo } : {}),
    ...(demoManager ? { manager: demoManager } : {}),
    ...(demoAgents ? { agents: { people: demoAgents.people, bots: demoAgents.bots.length } } : {}),
  })}\n`,
);
