import { compileValidator } from '@pronto/contracts';
import type { IngestDeps } from '@pronto/ingest';
import type { Logger } from '@pronto/telemetry';
import type { SignInThrottle } from '@pronto/tenancy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { clearManagerCookie, managerToken, setManagerCookie } from './manager-cookie.ts';
import { ManagerProblem } from './manager-problems.ts';
import type { ManagerSession, ManagerSessions, SignedInManager } from './manager-sessions.ts';

const SignIn = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 1_000 }),
});
const signInValidator = compileValidator(SignIn);

/** What the page may know about the signed-in manager (not the tenant's id: it never needs it). */
const publicManager = ({ username, displayName }: SignedInManager) => ({ username, displayName });

/** POST, GET and DELETE /manager/session: JSON sign-in, the session in an httpOnly cookie. */
export function registerSessionRoutes(
  scope: FastifyInstance,
  options: {
    sessions: ManagerSessions;
    logger: Logger;
    ttlMs: number;
    /** Told when a session ends, so that its live streams end too. */
    onSignOut: (tokenSha256: string) => void;
    /** Per-account delays after failed sign-ins. */
    throttle: SignInThrottle;
    /** Sign-in attempts one client address may make a minute (@fastify/rate-limit). */
    signInsPerAddressPerMinute: number;
    /** PRONTO_TRUST_PROXY: the cookie is Secure whatever the Host header says. */
    behindTlsProxy: boolean;
  },
) {
  const { sessions, logger, throttle, behindTlsProxy } = options;

  const rateLimit = { max: options.signInsPerAddressPerMinute, timeWindow: 60_000 };
  scope.post('/manager/session', { bodyLimit: 16 * 1024, config: { rateLimit } }, async (request, reply) => {
    const checked = signInValidator.validate(request.body);
    if (!checked.ok)
      throw new ManagerProblem(
        'validation-error',
        'Send JSON { "username": "...", "password": "..." }',
        checked.errors,
      );
    const { username, password } = checked.value;
    const waitMs = throttle.waitMs(username, request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      logger.info({ username }, 'manager sign-in delayed after failures');
      reply.header('retry-after', String(seconds));
      throw new ManagerProblem(
        'too-many-sign-ins',
        `Too many failed sign-ins for this username: try again in ${seconds} s`,
      );
    }
    const signedIn = await sessions.signIn(username, password);
    if (!signedIn) {
      throttle.failed(username, request.ip);
      // Who tried is worth knowing (a forgotten password, or someone guessing); what they typed is not.
      logger.info({ username }, 'manager sign-in refused');
      throw new ManagerProblem('sign-in-failed', 'The username or the password is wrong');
    }
    throttle.succeeded(username, request.ip);
    logger.info({ managerId: signedIn.session.manager.id }, 'manager signed in');
    setManagerCookie(request, reply, signedIn.token, { maxAgeMs: options.ttlMs, behindTlsProxy });
    return { manager: publicManager(signedIn.session.manager) };
  });

  scope.get('/manager/session', async (request) => {
    const session = await requireManager(sessions, request);
    return { manager: publicManager(session.manager) };
  });

  scope.delete('/manager/session', async (request, reply) => {
    const token = managerToken(request);
    if (token) options.onSignOut(await sessions.signOut(token));
    clearManagerCookie(request, reply, behindTlsProxy);
    return reply.code(204).send();
  });
}

/** The session of the request's cookie, or a 401 problem. */
export async function requireManager(
  sessions: ManagerSessions,
  request: FastifyRequest,
): Promise<ManagerSession> {
  const token = managerToken(request);
  const session = token ? await sessions.find(token) : undefined;
  if (!session) throw new ManagerProblem('not-signed-in', 'Sign in with POST /manager/session');
  return session;
}

/**
 * For buildApp's `sessionAuthenticator`: a manager's session reads its own tenant's reports
 * (GET /v1/reports/*) as a signed request would; no other signed route takes it.
 */
export function managerSessionAuthenticator(
  sessions: ManagerSessions,
): NonNullable<IngestDeps['sessionAuthenticator']> {
  return async (request) => {
    if (!request.routeOptions.url?.startsWith('/v1/reports/')) return undefined;
    const token = managerToken(request);
    const session = token ? await sessions.find(token) : undefined;
    return session ? { tenantId: session.manager.tenantId } : undefined;
  };
}
