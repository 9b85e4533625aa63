import { compileValidator } from '@pronto/contracts';
import type { Logger } from '@pronto/telemetry';
import type { SignInThrottle } from '@pronto/tenancy';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { ProblemError } from './problems.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session-cookie.ts';
import type { Session, Sessions, SignedInAgent } from './sessions.ts';

const SignIn = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 1_000 }),
});
const signInValidator = compileValidator(SignIn);

export interface SessionRoutesOptions {
  sessions: Sessions;
  logger: Logger;
  ttlMs: number;
  /** Told when a session ends, so that its socket closes too. */
  onSignOut: (tokenSha256: string) => void;
  /** Per-account delays after failed sign-ins. */
  throttle: SignInThrottle;
  /** Sign-in attempts one client address may make a minute (@fastify/rate-limit). */
  signInsPerAddressPerMinute: number;
  /** PRONTO_TRUST_PROXY: the cookie is Secure whatever the Host header says. */
  behindTlsProxy: boolean;
}

/** What the desktop may know about the signed-in agent (not the tenant: the desktop never needs it). */
export const publicAgent = ({ id, username, displayName }: SignedInAgent) => ({ id, username, displayName });

/** POST, GET and DELETE /agent/session (docs/agent-protocol.md "Signing in"). */
export function registerSessionRoutes(scope: FastifyInstance, options: SessionRoutesOptions) {
  const { sessions, logger } = options;

  const rateLimit = { max: options.signInsPerAddressPerMinute, timeWindow: 60_000 };
  scope.post('/agent/session', { bodyLimit: 16 * 1024, config: { rateLimit } }, async (request, reply) => {
    const checked = signInValidator.validate(request.body);
    if (!checked.ok) {
      throw new ProblemError(
        'validation-error',
        'Send JSON { "username": "...", "password": "..." }',
        checked.errors,
      );
    }
    const { username, password } = checked.value;
    const waitMs = options.throttle.waitMs(username, request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      logger.info({ username }, 'agent sign-in delayed after failures');
      reply.header('retry-after', String(seconds));
      throw new ProblemError(
        'too-many-sign-ins',
        `Too many failed sign-ins for this username: try again in ${seconds} s`,
      );
    }
    const signedIn = await sessions.signIn(username, password);
    if (!signedIn) {
      options.throttle.failed(username, request.ip);
      // Who tried is worth knowing (a forgotten password, or someone guessing); what they typed is not.
      logger.info({ username }, 'agent sign-in refused');
      throw new ProblemError('sign-in-failed', 'The username or the password is wrong');
    }
    options.throttle.succeeded(username, request.ip);
    logger.info({ agentId: signedIn.session.agent.id }, 'agent signed in');
    setSessionCookie(request, reply, signedIn.token, {
      maxAgeMs: options.ttlMs,
      behindTlsProxy: options.behindTlsProxy,
    });
    return { agent: publicAgent(signedIn.session.agent) };
  });

  scope.get('/agent/session', async (request) => {
    const session = await requireSession(sessions, sessionToken(request));
    return { agent: publicAgent(session.agent) };
  });

  scope.delete('/agent/session', async (request, reply) => {
    const token = sessionToken(request);
    if (token) {
      const tokenSha256 = await sessions.signOut(token);
      options.onSignOut(tokenSha256);
    }
    clearSessionCookie(request, reply, options.behindTlsProxy);
    return reply.code(204).send();
  });
}

/** The session of a cookie's token, or a 401 problem. */
export async function requireSession(sessions: Sessions, token: string | undefined): Promise<Session> {
  const session = token ? await sessions.find(token) : undefined;
  if (!session) throw new ProblemError('not-signed-in', 'Sign in with POST /agent/session');
  return session;
}
