import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpOptions } from '@pronto/config';
import { PROBLEM_TYPES, problemBody } from './problems.ts';

/** A request line longer than this, when the headers overflow, is answered 414 rather than 431. */
const LONG_REQUEST_LINE = 8 * 1024;

/** The problem kinds answered before a request reaches any route (docs/api.md "Errors"). */
type ServerProblem =
  | 'bad-request'
  | 'invalid-url'
  | 'request-timeout'
  | 'uri-too-long'
  | 'request-headers-too-large';

const problemJson = (slug: ServerProblem, instance?: string) =>
  JSON.stringify(problemBody(slug, undefined, undefined, instance));

/** What fastify hands frameworkErrors (only what is used here). */
interface FrameworkReply {
  code(status: number): FrameworkReply;
  type(contentType: string): FrameworkReply;
  send(body: string): unknown;
}

/**
 * Fastify options every Pronto HTTP app is built with: the proxy setting, the request timeout, and
 * problem+json for the errors raised before a route is found (a bad URL, a parameter over
 * maxParamLength) or before fastify sees the request at all (a slow body, headers or a URL over
 * Node's 16 KB header limit, bytes that are not HTTP).
 */
export function httpServerOptions(options: HttpOptions) {
  const timeout = options.requestTimeoutMs;
  return {
    trustProxy: options.trustProxy,
    // The whole request (headers and body) must arrive within the timeout; Node checks its open
    // connections every connectionsCheckingInterval, so a slow body is cut within a tenth more.
    requestTimeout: timeout,
    http: {
      headersTimeout: Math.min(timeout, 60_000),
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeout / 10))),
    },
    frameworkErrors(error: Error & { code?: string }, request: { url: string }, untypedReply: unknown) {
      const reply = untypedReply as FrameworkReply;
      const slug: ServerProblem = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri-too-long' : 'invalid-url';
      // The URL itself is not echoed: it is what was wrong, and may be 100 KB.
      const instance = request.url.length <= 200 ? request.url : undefined;
      return reply
        .code(PROBLEM_TYPES[slug].status)
        .type('application/problem+json')
        .send(problemJson(slug, instance));
    },
    clientErrorHandler(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const slug = clientErrorProblem(error);
      const body = problemJson(slug);
      const status = PROBLEM_TYPES[slug].status;
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      // Whatever else the client sends is not read: the answer goes out, then the connection closes.
      socket.end();
      socket.setTimeout(1_000, () => socket.destroy());
    },
  };
}

function clientErrorProblem(error: Error & { code?: string; rawPacket?: unknown }): ServerProblem {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request-timeout';
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // Node hands the bytes it could not parse as a Buffer (fastify's type says otherwise).
    const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : Buffer.alloc(0);
    const lineEnd = packet.indexOf('\r\n');
    return lineEnd === -1 || lineEnd > LONG_REQUEST_LINE ? 'uri-too-long' : 'request-headers-too-large';
  }
  if (error.code === 'HPE_URI_TOO_LONG') return 'uri-too-long';
  return 'bad-request';
}
