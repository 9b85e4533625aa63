import type { FastifyRequest } from 'fastify';
import type { SessionAuthenticator } from './authenticate.ts';
import { sessionToken } from './session-cookie.ts';
import type { Sessions } from './sessions.ts';

/**
 * For the signed API's sessionAuthenticator: a manager's console session reads its own tenant's
 * data on the routes under `pathPrefixes` (GET /v1/reports/*, GET /v1/staffing) as a signed request
 * of that tenant would; no other signed route takes it. An admin's session has no tenant, and an
 * agent's session is of another role: neither is taken, so the request falls to the signature check.
 */
export function managerSessionAuthenticator(
  sessions: Sessions,
  pathPrefixes: readonly string[],
): SessionAuthenticator {
  const covers = (request: FastifyRequest) => {
    const route = request.routeOptions.url;
    return route !== undefined && pathPrefixes.some((prefix) => route.startsWith(prefix));
  };
  return async (request) => {
    if (!covers(request)) return undefined;
    const token = sessionToken(sessions.role, request);
    const session = token ? await sessions.find(token) : undefined;
    return session?.user.tenantId ? { tenantId: session.user.tenantId } : undefined;
  };
}
