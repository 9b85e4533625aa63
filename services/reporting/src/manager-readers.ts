import { type SessionAuthenticator, type Sessions, sessionToken } from '@pronto/http';

/**
 * For the signed API's sessionAuthenticator: a manager's session (signed in on the console) reads
 * its own tenant's reports (GET /v1/reports/*) as a signed request would; no other signed route
 * takes it.
 */
export function managerSessionAuthenticator(sessions: Sessions): SessionAuthenticator {
  return async (request) => {
    if (!request.routeOptions.url?.startsWith('/v1/reports/')) return undefined;
    const token = sessionToken(sessions.role, request);
    const session = token ? await sessions.find(token) : undefined;
    // An admin's session has no tenant: it reads no tenant's report this way.
    return session?.user.tenantId ? { tenantId: session.user.tenantId } : undefined;
  };
}
