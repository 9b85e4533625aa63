import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'pronto_agent';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/**
 * Plain http is acceptable only on the agent's own machine (the embedded demo on 127.0.0.1): a
 * browser there would not send a Secure cookie back, and nothing crosses a network.
 */
function isPlainLoopback(request: FastifyRequest): boolean {
  const host = request.hostname.toLowerCase();
  return request.protocol === 'http' && (LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host));
}

/** behindTlsProxy (PRONTO_TRUST_PROXY=1): the browser speaks https to the proxy, whatever Host says. */
function cookieOptions(request: FastifyRequest, behindTlsProxy: boolean): CookieSerializeOptions {
  const secure = behindTlsProxy || !isPlainLoopback(request);
  return { path: '/agent', httpOnly: true, sameSite: 'strict', secure };
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  options: { maxAgeMs: number; behindTlsProxy: boolean },
) {
  reply.setCookie(SESSION_COOKIE, token, {
    ...cookieOptions(request, options.behindTlsProxy),
    maxAge: Math.floor(options.maxAgeMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, behindTlsProxy: boolean) {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request, behindTlsProxy));
}

export const sessionToken = (request: FastifyRequest): string | undefined => request.cookies[SESSION_COOKIE];
