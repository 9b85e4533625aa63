import { verifySignature } from '@pronto/signature';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyDirectory } from './api-key-directory.ts';
import { parseJsonBody } from './json-bodies.ts';
import { ProblemError } from './problems.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { UsedSignatures } from './used-signatures.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The same signed request may be sent again (event intake: its eventId makes a resend answer the
     * first answer, which is how a client retries after a lost answer); other state-changing requests
     * are taken once per signature.
     */
    replayable?: boolean;
  }
  interface FastifyRequest {
    /** The tenant whose key signed this request (set by authenticate). */
    tenantId: string;
    /** The body bytes exactly as received: what the signature covers. */
    rawBody: Buffer;
  }
}

const EMPTY = Buffer.alloc(0);
/** Methods that change nothing: their signatures may be used again within the window. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Another proof of who is asking, for a GET request without a Pronto-Signature (a manager's session
 * cookie): the tenant it belongs to, or undefined to leave the request to the signature check.
 */
export type SessionAuthenticator = (request: FastifyRequest) => Promise<{ tenantId: string } | undefined>;

/**
 * A preValidation hook for signed routes: verifies Pronto-Signature over the exact bytes, applies the
 * tenant's rate limit, and only then parses the JSON, so nothing unauthenticated is parsed or stored.
 */
export function createAuthenticate(deps: {
  keys: ApiKeyDirectory;
  limiter: RateLimiter;
  now: () => Date;
  session?: SessionAuthenticator | undefined;
  used: UsedSignatures;
}) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const raw = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    request.rawBody = raw;
    // Reads only: whatever a session proves, an event is never taken without a signature.
    if (deps.session && request.method === 'GET' && !header(request, 'pronto-signature')) {
      const signedIn = await deps.session(request);
      if (signedIn) {
        request.tenantId = signedIn.tenantId;
        return;
      }
    }
    const keyId = header(request, 'pronto-key-id');
    if (!keyId) throw new ProblemError('unauthorized', 'Pronto-Key-Id header is missing');
    const key = await deps.keys.find(keyId);
    // The same answer for an unknown key and a wrong signature: a caller learns nothing about which ids exist.
    const result = verifySignature({
      timestampHeader: header(request, 'pronto-timestamp'),
      signatureHeader: header(request, 'pronto-signature'),
      secrets: key?.secrets ?? ['\u0000unknown-key'],
      nowMs: deps.now().getTime(),
      method: request.method,
      pathWithQuery: request.raw.url ?? request.url,
      body: raw,
    });
    if (!result.ok) throw new ProblemError('unauthorized', result.detail);
    if (!key) throw new ProblemError('unauthorized', 'Pronto-Signature does not match the request');
    request.tenantId = key.tenantId;
    const allowed = deps.limiter.take(key.tenantId, key.rate);
    if (!allowed.ok) {
      throw new ProblemError(
        'rate-limited',
        `Over ${key.rate.perSecond} requests/s for this tenant`,
        undefined,
        {
          'retry-after': String(allowed.retryAfterSeconds),
        },
      );
    }
    // After the rate limit, so that a refused request costs no write and may be sent again as it was.
    if (!READS.has(request.method) && request.routeOptions.config.replayable !== true) {
      const first = await deps.used.claim({
        tenantId: key.tenantId,
        keyId: key.keyId,
        signatures: result.signatures,
        timestamp: Number(header(request, 'pronto-timestamp')),
      });
      if (!first) {
        // Ids only: a replay is either a client resending without signing anew or someone else's capture.
        request.log.warn({ keyId: key.keyId, route: request.routeOptions.url }, 'replayed signature refused');
        throw new ProblemError(
          'replayed-request',
          'This signature was already used: a state-changing request is taken once; sign each request, retries included, with its own timestamp',
        );
      }
    }
    // Only JSON is parsed here. A route that takes another type (the CSV import) adds its parser in its
    // own scope, as bytes too, so the check above covers its body the same way; it decodes the body itself.
    if (raw.length > 0 && isJson(request)) request.body = parseJsonBody(raw);
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isJson(request: FastifyRequest): boolean {
  return header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
