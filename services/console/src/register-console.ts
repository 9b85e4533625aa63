import cookie from '@fastify/cookie';
import { createOriginPolicy, type HttpOptions } from '@pronto/config';
import type { SqlQueryable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { createSignInThrottle } from '@pronto/tenancy';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { registerBrowserGuards } from './browser-guards.ts';
import { DEFAULT_PUBLIC_DIR, registerDashboardFiles } from './dashboard-files.ts';
import { registerDashboardRoutes } from './dashboard-routes.ts';
import { createDashboardStreams, type DashboardStreams } from './dashboard-stream.ts';
import { registerLeadHistoryRoute } from './lead-history-route.ts';
import { ManagerProblem, managerErrorHandler } from './manager-problems.ts';
import type { ManagerSessions } from './manager-sessions.ts';
import { registerSessionRoutes } from './session-routes.ts';

export interface ManagerDashboardDeps {
  sql: SqlQueryable;
  /** The sessions the app's sessionAuthenticator also reads (managerSessionAuthenticator). */
  sessions: ManagerSessions;
  logger: Logger;
  /** The clock of the figures; tests move it. */
  now?: () => Date;
  /** How often watched figures are recomputed. Default 2 s. */
  refreshMs?: number;
  /** Where manager.html and its assets are. Default: this package's public/ folder. */
  publicDir?: string;
  /**
   * PRONTO_PUBLIC_ORIGINS and PRONTO_TRUST_PROXY. Without origins, the dashboard is expected at
   * the address the app listens on (http://127.0.0.1:PORT, http://localhost:PORT).
   */
  http?: Partial<HttpOptions>;
  /** Sign-in attempts one client address may make a minute. Default 20. */
  signInsPerAddressPerMinute?: number;
}

/**
 * Mounts the manager dashboard on a fastify app (the intake app of the embedded process, or any
 * other): sign-in, the page, its figures once and live, and each lead's history.
 */
export async function registerManagerDashboard(
  app: FastifyInstance,
  deps: ManagerDashboardDeps,
): Promise<DashboardStreams> {
  const now = deps.now ?? (() => new Date());
  const streams = createDashboardStreams({
    logger: deps.logger,
    now,
    ...(deps.refreshMs ? { refreshMs: deps.refreshMs } : {}),
  });
  const allowsOrigin = createOriginPolicy(deps.http?.publicOrigins, () => app.server.address());
  await app.register(async (scope) => {
    if (!scope.hasPlugin('@fastify/cookie')) await scope.register(cookie);
    scope.setErrorHandler(managerErrorHandler);
    await registerBrowserGuards(scope, { allowsOrigin, now });
    // The dashboard's routes stay out of the OpenAPI document of the app they are mounted on.
    scope.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true } as FastifySchema;
    });
    acceptJsonBodies(scope);
    registerSessionRoutes(scope, {
      sessions: deps.sessions,
      logger: deps.logger,
      ttlMs: deps.sessions.ttlMs,
      onSignOut: (tokenSha256) => streams.endSession(tokenSha256),
      throttle: createSignInThrottle({ now }),
      signInsPerAddressPerMinute: deps.signInsPerAddressPerMinute ?? 20,
      behindTlsProxy: deps.http?.trustProxy ?? false,
    });
    registerDashboardFiles(scope, deps.publicDir ?? DEFAULT_PUBLIC_DIR);
    registerDashboardRoutes(scope, { sql: deps.sql, sessions: deps.sessions, streams, now });
    registerLeadHistoryRoute(scope, { sql: deps.sql, sessions: deps.sessions, now });
  });
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => streams.close());
  return streams;
}

/**
 * JSON bodies parsed here, whatever the app around does (the intake app keeps raw bytes for its
 * signatures); a body that is not JSON is a 400 problem.
 */
function acceptJsonBodies(scope: FastifyInstance) {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new ManagerProblem('invalid-json', 'Send one JSON document, UTF-8 encoded'), undefined);
    }
  });
}
