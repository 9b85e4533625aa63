import { createOriginPolicy, type HttpOptions } from '@pronto/config';
import type { SqlQueryable } from '@pronto/db';
import {
  createSessions,
  DASHBOARD_UNAVAILABLE,
  MANAGER_ROLE,
  prepareBrowserScope,
  registerSessionRoutes,
  type Sessions,
  type SignedInUser,
} from '@pronto/http';
import type { Logger } from '@pronto/telemetry';
import { createSignInThrottle } from '@pronto/tenancy';
import type { FastifyInstance } from 'fastify';
import { registerAdminPageFiles } from './admin-page-files.ts';
import { DEFAULT_PUBLIC_DIR, registerDashboardFiles } from './dashboard-files.ts';
import { registerDashboardRoutes } from './dashboard-routes.ts';
import { createDashboardStreams, type DashboardStreams } from './dashboard-stream.ts';
import { registerLeadHistoryRoute } from './lead-history-route.ts';
import { registerStaffingPageFiles } from './staffing-page-files.ts';

export interface ConsoleDeps {
  sql: SqlQueryable;
  /**
   * The managers' sessions (MANAGER_ROLE), when the app's signed API reads them too (GET
   * /v1/reports/* with a manager's cookie). Default: sessions over `sql` on the console's clock.
   */
  sessions?: Sessions;
  logger: Logger;
  /** The clock of the figures; tests move it. */
  now?: () => Date;
  /** How often watched figures are recomputed. Default 2 s. */
  refreshMs?: number;
  /** Where manager.html and its assets are. Default: this package's public/ folder. */
  publicDir?: string;
  /**
   * PRONTO_PUBLIC_ORIGINS and PRONTO_TRUST_PROXY. Without origins, the pages are expected at the
   * address the app listens on (http://127.0.0.1:PORT, http://localhost:PORT).
   */
  http?: Partial<HttpOptions>;
  /** Sign-in attempts one client address may make a minute. Default 20. */
  signInsPerAddressPerMinute?: number;
}

/** What the page may know about the signed-in manager (not the tenant's id: it never needs it). */
/** What the pages may know of the signed-in person: an admin's role sends them to the administration pages. */
const publicManager = ({ username, displayName, role }: SignedInUser) => ({ username, displayName, role });

/**
 * Mounts the managers' console on a fastify app (the embedded process's, or the console service's
 * own): sign-in, the dashboard page, its figures once and live, and each lead's history.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<DashboardStreams> {
  const now = deps.now ?? (() => new Date());
  const sessions = deps.sessions ?? createSessions({ role: MANAGER_ROLE, sql: deps.sql, now });
  const streams = createDashboardStreams({
    logger: deps.logger,
    now,
    liveSessions: (tokens) => sessions.live(tokens),
    ...(deps.refreshMs ? { refreshMs: deps.refreshMs } : {}),
  });
  const allowsOrigin = createOriginPolicy(deps.http?.publicOrigins, () => app.server.address());
  await app.register(async (scope) => {
    await prepareBrowserScope(scope, { unavailable: DASHBOARD_UNAVAILABLE, allowsOrigin, now });
    registerSessionRoutes(scope, {
      sessions,
      logger: deps.logger,
      publicUser: publicManager,
      onSignOut: (tokenSha256) => streams.endSession(tokenSha256),
      throttle: createSignInThrottle({ now }),
      signInsPerAddressPerMinute: deps.signInsPerAddressPerMinute ?? 20,
      behindTlsProxy: deps.http?.trustProxy ?? false,
    });
    registerDashboardFiles(scope, deps.publicDir ?? DEFAULT_PUBLIC_DIR);
    registerAdminPageFiles(scope, deps.publicDir ?? DEFAULT_PUBLIC_DIR);
    registerStaffingPageFiles(scope, deps.publicDir ?? DEFAULT_PUBLIC_DIR);
    registerDashboardRoutes(scope, { sql: deps.sql, sessions, streams, now });
    registerLeadHistoryRoute(scope, { sql: deps.sql, sessions, now });
  });
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => streams.close());
  return streams;
}
