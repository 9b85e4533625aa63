import type { Database } from '@pronto/db';
import { buildSignedApiApp, createSessions, DASHBOARD_UNAVAILABLE, MANAGER_ROLE } from '@pronto/http';
import type { SecretBox } from '@pronto/tenancy';
import type { FastifyInstance } from 'fastify';
import { consoleAdmin } from './admin/console-admin.ts';
import { type ConsoleDeps, registerConsole } from './register-console.ts';

/**
 * The console as its own service (distributed mode): the managers' and admins' pages, the admin API
 * (/v1/admin, with /openapi.json and /docs) and GET /healthz. It never listens (main.ts does);
 * closing the app ends the dashboard's streams.
 */
export async function buildConsoleApp(
  deps: Omit<ConsoleDeps, 'sql'> & { db: Database; secretBox: SecretBox; usedSignatureSweepMs?: number },
): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const sessions = deps.sessions ?? createSessions({ role: MANAGER_ROLE, sql: deps.db.sql, now });
  let app: FastifyInstance | undefined;
  const admin = consoleAdmin({
    sql: deps.db.sql,
    secretBox: deps.secretBox,
    logger: deps.logger,
    managerSessions: sessions,
    now,
    http: deps.http,
    app: () => app,
  });
  app = await buildSignedApiApp({
    db: deps.db,
    secretBox: deps.secretBox,
    logger: deps.logger,
    now,
    signedRoutes: admin.signedRoutes,
    operatorSession: admin.operatorSession,
    unavailable: DASHBOARD_UNAVAILABLE,
    usedSignatureSweepMs: deps.usedSignatureSweepMs,
    http: deps.http,
  });
  await registerConsole(app, { ...deps, sql: deps.db.sql, sessions, now });
  return app;
}
