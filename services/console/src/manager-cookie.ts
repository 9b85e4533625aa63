import { type CookieSerializeOptions, fastifyCookie } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const MANAGER_COOKIE = 'pronto_manager';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/**
 * Plain http is acceptable only on the manager's own machine (the embedded demo on 127.0.0.1): a
 * browser there would not send a Secure cookie back, and nothing crosses a network.
 */
function isPlainLoopback(request: FastifyRequest): boolean {
  const host = request.hostname.toLowerCase();
  return request.protocol === 'http' && (LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host));
}

/** Path `/`: the same cookie reads GET /v1/reports/* (the CSV link) as well as /manager. */
/** behindTlsProxy (PRONTO_TRUST_PROXY=1): the browser speaks https to the proxy, whatever Host says. */
function cookieOptions(request: FastifyRequest, behindTlsProxy: boolean): CookieSerializeOptions {
  const secure = behindTlsProxy || !isPlainLoopback(request);
  return { path: '/', httpOnly: true, sameSite: 'strict', secure };
}

export function setManagerCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  options: { maxAgeMs: number; behindTlsProxy: boolean },
) {
  reply.setCookie(MANAGER_COOKIE, token, {
    ...cookieOptions(request, options.behindTlsProxy),
    maxAge: Math.floor(options.maxAgeMs / 1000),
  });
}

export function clearManagerCookie(request: FastifyRequest, reply: FastifyReply, behindTlsProxy: boolean) {
  reply.clearCookie(MANAGER_COOKIE, cookieOptions(request, behindTlsProxy));
}

/**
 * The cookie's token, read from the header itself: the intake API's signed routes, where the
 * session also counts, may sit in a scope that the cookie plugin does not reach.
 */
export function managerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  return fastifyCookie.parse(header)[MANAGER_COOKIE];
}
