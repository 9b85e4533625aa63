import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionRole } from './sessions.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/**
 * Plain http is acceptable only on the person's own machine (the embedded demo on 127.0.0.1): a
 * browser there would not send a Secure cookie back, and nothing crosses a network.
 */
function isPlainLoopback(request: FastifyRequest): boolean {
  const host = request.hostname.toLowerCase();
  return request.protocol === 'http' && (LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host));
}

/**
 * httpOnly, SameSite=Strict, and Secure unless on the plain-http loopback; behindTlsProxy
 * (PRONTO_TRUST_PROXY=1): the browser speaks https to the proxy, whatever Host says.
 */
export function sessionCookieOptions(
  role: SessionRole,
  request: FastifyRequest,
  behindTlsProxy: boolean,
): CookieSerializeOptions {
  const secure = behindTlsProxy || !isPlainLoopback(request);
  return { path: role.cookie.path, httpOnly: true, sameSite: 'strict', secure };
}

/** Needs @fastify/cookie on the reply's scope. */
export function setSessionCookie(
  role: SessionRole,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  options: { maxAgeMs: number; behindTlsProxy: boolean },
) {
  reply.setCookie(role.cookie.name, token, {
    ...sessionCookieOptions(role, request, options.behindTlsProxy),
    maxAge: Math.floor(options.maxAgeMs / 1000),
  });
}

export function clearSessionCookie(
  role: SessionRole,
  request: FastifyRequest,
  reply: FastifyReply,
  behindTlsProxy: boolean,
) {
  reply.clearCookie(role.cookie.name, sessionCookieOptions(role, request, behindTlsProxy));
}

/**
 * The cookie's token, read from the header itself: a route where the session also counts (the
 * signed API's GET /v1/reports/*) may sit in a scope, or a process (the reporting service), that the
 * cookie plugin does not reach; @fastify/cookie's parse works only once the plugin was registered.
 * The first cookie of that name counts, as browsers send the most specific path first.
 */
export function sessionToken(role: SessionRole, request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== role.cookie.name) continue;
    const value = pair.slice(equals + 1).trim();
    try {
      return decodeURIComponent(value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
    } catch {
      return value;
    }
  }
  return undefined;
}
