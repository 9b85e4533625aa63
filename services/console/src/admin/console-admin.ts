import { createOriginPolicy, type HttpOptions } from '@pronto/config';
import type { Sql } from '@pronto/db';
import { AGENT_ROLE, createSessions, type OperatorSessionAuthenticator, type Sessions } from '@pronto/http';
import type { Logger } from '@pronto/telemetry';
import type { SecretBox } from '@pronto/tenancy';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { adminSignedRoutes } from './admin-routes.ts';
import { consoleOperatorSession } from './operator-session.ts';

/**
 * The admin API as a signed app mounts it (the console service's, the embedded process's): its
 * routes and the console sessions that may call them. `app` is the app that will listen, whose
 * address decides the allowed origins when PRONTO_PUBLIC_ORIGINS is not set.
 */
export function consoleAdmin(deps: {
  sql: Sql;
  secretBox: SecretBox;
  logger: Logger;
  managerSessions: Sessions;
  now?: () => Date;
  http?: Partial<HttpOptions> | undefined;
  app: () => FastifyInstance | undefined;
}): { signedRoutes: FastifyPluginAsync[]; operatorSession: OperatorSessionAuthenticator } {
  const now = deps.now ?? (() => new Date());
  const allowsOrigin = createOriginPolicy(
    deps.http?.publicOrigins,
    () => deps.app()?.server.address() ?? null,
  );
  return {
    signedRoutes: adminSignedRoutes({ sql: deps.sql, secretBox: deps.secretBox, now, logger: deps.logger }),
    operatorSession: consoleOperatorSession({
      managers: deps.managerSessions,
      agents: createSessions({ role: AGENT_ROLE, sql: deps.sql, now }),
      allowsOrigin,
    }),
  };
}
