// The console on its own (distributed mode): the managers' dashboard (sign-in, the page, its figures
// once and live, each lead's history) over the database that reporting's fold writes, and the admin
// API (/v1/admin) with its pages.
import { httpOptions, loadConfigOrExit, onShutdown, waitUntilReadyOrExit } from '@pronto/config';
import { openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createSecretBox } from '@pronto/tenancy';
import { buildConsoleApp } from './build-console-app.ts';
import { ConsoleConfig } from './config.ts';

const config = loadConfigOrExit('console', ConsoleConfig, process.env);
const logger = createLogger({ name: 'console', level: config.LOG_LEVEL });
// Started all at once, a service may find PostgreSQL not ready yet: it waits for it.
const db = await waitUntilReadyOrExit(
  'console',
  () => openDatabase({ url: config.DATABASE_URL, poolSize: config.PRONTO_DB_POOL_SIZE }),
  { what: 'PostgreSQL', logger, timeoutSeconds: config.PRONTO_START_TIMEOUT_SECONDS },
);
const secretBox = createSecretBox(Buffer.from(config.PRONTO_MASTER_KEY, 'base64'));
const app = await buildConsoleApp({ db, secretBox, logger, http: httpOptions(config) });
const url = await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(logger, async () => {
  // 1. Stop answering and end the dashboard's streams; 2. then the database.
  await app.close();
  await db.close();
});
// Logged once a stop signal is handled: a supervisor may stop the process as soon as it reads this.
logger.info({ url }, 'listening');
