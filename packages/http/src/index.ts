// The one HTTP layer of Pronto's services (docs/architecture.md): problem+json, body parsing, the
// signed API (signatures, replays, per-tenant limits), browser sessions and guards, static files.
export {
  type ApiKeyDirectory,
  createApiKeyDirectory,
  createOperatorKeyDirectory,
  type OperatorKeyDirectory,
} from './api-key-directory.ts';
export {
  createAuthenticate,
  type Operator,
  type OperatorSessionAuthenticator,
  type SessionAuthenticator,
} from './authenticate.ts';
export { buildBrowserApp } from './browser-app.ts';
export { registerBrowserGuards } from './browser-guards.ts';
export { prepareBrowserScope } from './browser-scope.ts';
export { type CachedLookupOptions, createCachedLookup } from './cached-lookup.ts';
export { clockedRateLimitStore } from './clocked-rate-limit-store.ts';
export {
  createProblemErrorHandler,
  DASHBOARD_UNAVAILABLE,
  EVENTS_UNAVAILABLE,
  notFoundProblem,
  type ProblemErrorHandler,
  SIGN_IN_UNAVAILABLE,
  type UnavailableProblem,
} from './error-handler.ts';
export { healthRoute } from './health-route.ts';
export {
  buildHealthApp,
  type HealthServer,
  type HealthServerOptions,
  startHealthServer,
} from './health-server.ts';
export { acceptJsonBodies, keepJsonBytes, parseJsonBody } from './json-bodies.ts';
export { isLoopbackAddress } from './loopback-address.ts';
export { managerSessionAuthenticator } from './manager-session-authenticator.ts';
export { problemPagesRoute } from './problem-pages.ts';
export {
  fieldError,
  PROBLEM_TYPES,
  ProblemError,
  type ProblemSlug,
  type ProblemType,
  problemBody,
  withFieldProblems,
} from './problems.ts';
export { createRateLimiter, type RateLimiter, type TenantRate } from './rate-limiter.ts';
export { API_HELMET_OPTIONS, PAGE_HELMET_OPTIONS } from './security-headers.ts';
export { httpServerOptions } from './server-options.ts';
export {
  clearSessionCookie,
  sessionCookieOptions,
  sessionToken,
  setSessionCookie,
} from './session-cookie.ts';
export {
  registerSessionRoutes,
  requireSession,
  type SessionRoutesOptions,
  sessionTenant,
} from './session-routes.ts';
export {
  AGENT_ROLE,
  createSessions,
  MANAGER_ROLE,
  type Session,
  type SessionRole,
  type Sessions,
  type SignedInUser,
} from './sessions.ts';
export { buildSignedApiApp, SIGNED_API_BODY_LIMIT, type SignedApiDeps } from './signed-api-app.ts';
export { contentTypeOf, safeFileName, sendAsset, sendFile } from './static-files.ts';
export { createUsedSignatures, type UsedSignatures } from './used-signatures.ts';
