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
function cookieOptions(request: FastifyRequest): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure: !isPlainLoopback(request) };
}

export function setManagerCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
) {
  reply.setCookie(MANAGER_COOKIE, token, { ...cookieOptions(request), maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearManagerCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(MANAGER_COOKIE, cookieOptions(request));
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
