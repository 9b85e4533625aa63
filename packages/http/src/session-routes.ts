import { compileValidator } from '@pronto/contracts';
import type { Logger } from '@pronto/telemetry';
import type { SignInThrottle } from '@pronto/tenancy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ProblemError } from './problems.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session-cookie.ts';
import type { Session, Sessions, SignedInUser } from './sessions.ts';

const SignIn = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 1_000 }),
});
const signInValidator = compileValidator(SignIn);

export interface SessionRoutesOptions {
  sessions: Sessions;
  logger: Logger;
  /** What the page may know about the signed-in person (answered as `{ "<role>": ... }`). */
  publicUser: (user: SignedInUser) => Record<string, unknown>;
  /** Told when a session ends, so that what it opened (sockets, streams) closes too. */
  onSignOut: (tokenSha256: string) => void;
  /** Per-account delays after failed sign-ins. */
  throttle: SignInThrottle;
  /** Sign-in attempts one client address may make a minute (@fastify/rate-limit, see registerBrowserGuards). */
  signInsPerAddressPerMinute: number;
  /** PRONTO_TRUST_PROXY: the cookie is Secure whatever the Host header says. */
  behindTlsProxy: boolean;
}

/**
 * POST, GET and DELETE on the role's session path (/agent/session, /manager/session): JSON sign-in,
 * the session in an httpOnly cookie. The scope needs @fastify/cookie, JSON bodies (acceptJsonBodies)
 * and the browser guards (their per-address limit).
 */
export function registerSessionRoutes(scope: FastifyInstance, options: SessionRoutesOptions) {
  const { sessions, logger, throttle, behindTlsProxy } = options;
  const { role } = sessions;
  const answer = (user: SignedInUser) => ({ [role.name]: options.publicUser(user) });

  const rateLimit = { max: options.signInsPerAddressPerMinute, timeWindow: 60_000 };
  scope.post(role.sessionPath, { bodyLimit: 16 * 1024, config: { rateLimit } }, async (request, reply) => {
    const checked = signInValidator.validate(request.body);
    if (!checked.ok) {
      throw new ProblemError(
        'validation-error',
        'Send JSON { "username": "...", "password": "..." }',
        checked.errors,
      );
    }
    const { username, password } = checked.value;
    const waitMs = throttle.waitMs(username, request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      logger.info({ username }, `${role.name} sign-in delayed after failures`);
      reply.header('retry-after', String(seconds));
      throw new ProblemError(
        'too-many-sign-ins',
        `Too many failed sign-ins for this username: try again in ${seconds} s`,
      );
    }
    const signedIn = await sessions.signIn(username, password);
    if (!signedIn) {
      throttle.failed(username, request.ip);
      // Who tried is worth knowing (a forgotten password, or someone guessing); what they typed is not.
      logger.info({ username }, `${role.name} sign-in refused`);
      throw new ProblemError('sign-in-failed', 'The username or the password is wrong');
    }
    throttle.succeeded(username, request.ip);
    logger.info({ [`${role.name}Id`]: signedIn.session.user.id }, `${role.name} signed in`);
    setSessionCookie(role, request, reply, signedIn.token, { maxAgeMs: sessions.ttlMs, behindTlsProxy });
    return answer(signedIn.session.user);
  });

  scope.get(role.sessionPath, async (request) => {
    const session = await requireSession(sessions, request);
    return answer(session.user);
  });

  scope.delete(role.sessionPath, async (request, reply) => {
    const token = sessionToken(role, request);
    if (token) options.onSignOut(await sessions.signOut(token));
    clearSessionCookie(role, request, reply, behindTlsProxy);
    return reply.code(204).send();
  });
}

/** The session of the request's cookie, or a 401 problem. */
export async function requireSession(sessions: Sessions, request: FastifyRequest): Promise<Session> {
  const token = sessionToken(sessions.role, request);
  const session = token ? await sessions.find(token) : undefined;
  if (!session) throw new ProblemError('not-signed-in', `Sign in with POST ${sessions.role.sessionPath}`);
  return session;
}

/**
 * The tenant a session acts for, or a 403 problem for an admin's (the installation's: it has no
 * tenant's dashboard or desktop).
 */
export function sessionTenant(user: SignedInUser): string {
  if (user.tenantId === null) {
    throw new ProblemError('forbidden', "An admin's session acts for the installation, not for one tenant");
  }
  return user.tenantId;
}
