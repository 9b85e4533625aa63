import {
  managerSessionAuthenticator as forPaths,
  type SessionAuthenticator,
  type Sessions,
} from '@pronto/http';

/**
 * For the signed API's sessionAuthenticator: a manager's session (signed in on the console) reads
 * its own tenant's reports (GET /v1/reports/*) as a signed request would; no other signed route
 * takes it. (The embedded process, which also serves GET /v1/staffing, names both prefixes itself.)
 */
export function managerSessionAuthenticator(sessions: Sessions): SessionAuthenticator {
  return forPaths(sessions, ['/v1/reports/']);
}
