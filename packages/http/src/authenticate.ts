import { verifySignature } from '@pronto/signature';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyDirectory, OperatorKeyDirectory } from './api-key-directory.ts';
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
    /**
     * An admin API route (/v1/admin): signed with an operator key (not a client's event key), or
     * called with a manager's or admin's session; `request.operator` says who.
     */
    operator?: boolean;
  }
  interface FastifyRequest {
    /** The tenant whose key signed this request (set by authenticate). */
    tenantId: string;
    /** The body bytes exactly as received: what the signature covers. */
    rawBody: Buffer;
    /** Who calls an admin API route (set by authenticate on `operator` routes; null elsewhere). */
    operator: Operator | null;
  }
}

/** Who calls the admin API: an `admin` acts for the installation, a `manager` for one tenant. */
export interface Operator {
  readonly role: 'admin' | 'manager';
  /** Null for an admin. */
  readonly tenantId: string | null;
  /** What the audit log records as the actor: `key:<id>` or `<role>:<username>`. */
  readonly actor: string;
}

/**
 * Another proof of who calls an admin route, for a request without a Pronto-Signature: the
 * operator of a console session, `'agent'` for an agent's session (refused with 403), or undefined.
 * It refuses a state-changing request from another origin itself.
 */
export type OperatorSessionAuthenticator = (
  request: FastifyRequest,
) => Promise<Operator | 'agent' | undefined>;

/** What an operator key may send: far below event intake, far above what a person or a script needs. */
const OPERATOR_RATE = { perSecond: 20, burst: 200 };
/** used_signature.tenant_id for an installation-wide key. */
const INSTALLATION = '00000000-0000-0000-0000-000000000000';

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
  /** The admin API's keys and sessions; without them an `operator` route answers 401. */
  operators?: { keys: OperatorKeyDirectory; session?: OperatorSessionAuthenticator | undefined } | undefined;
}) {
  /** Verifies the signature over the exact bytes against `secrets`, or throws the 401 problem. */
  const verify = (request: FastifyRequest, raw: Buffer, secrets: readonly string[] | undefined) => {
    const result = verifySignature({
      timestampHeader: header(request, 'pronto-timestamp'),
      signatureHeader: header(request, 'pronto-signature'),
      secrets: secrets ?? ['\u0000unknown-key'],
      nowMs: deps.now().getTime(),
      method: request.method,
      pathWithQuery: request.raw.url ?? request.url,
      body: raw,
    });
    if (!result.ok) throw new ProblemError('unauthorized', result.detail);
    // The same answer for an unknown key and a wrong signature: a caller learns nothing about which ids exist.
    if (!secrets) throw new ProblemError('unauthorized', 'Pronto-Signature does not match the request');
    return result.signatures;
  };
  const limit = (subject: string, rate: { perSecond: number; burst: number }, what: string) => {
    const allowed = deps.limiter.take(subject, rate);
    if (!allowed.ok) {
      throw new ProblemError(
        'rate-limited',
        `Over ${rate.perSecond} requests/s for this ${what}`,
        undefined,
        {
          'retry-after': String(allowed.retryAfterSeconds),
        },
      );
    }
  };
  /** After the rate limit, so that a refused request costs no write and may be sent again as it was. */
  const claimOnce = async (
    request: FastifyRequest,
    claim: { tenantId: string; keyId: string; signatures: string[] },
  ) => {
    if (READS.has(request.method) || request.routeOptions.config.replayable === true) return;
    const first = await deps.used.claim({ ...claim, timestamp: Number(header(request, 'pronto-timestamp')) });
    if (!first) {
      // Ids only: a replay is either a client resending without signing anew or someone else's capture.
      request.log.warn({ keyId: claim.keyId, route: request.routeOptions.url }, 'replayed signature refused');
      throw new ProblemError(
        'replayed-request',
        'This signature was already used: a state-changing request is taken once; sign each request, retries included, with its own timestamp',
      );
    }
  };
  const parseBody = (request: FastifyRequest, raw: Buffer) => {
    // Only JSON is parsed here. A route that takes another type (the CSV import) adds its parser in its
    // own scope, as bytes too, so the check above covers its body the same way; it decodes the body itself.
    if (raw.length > 0 && isJson(request)) request.body = parseJsonBody(raw);
  };

  async function authenticateOperator(request: FastifyRequest, raw: Buffer): Promise<void> {
    const operators = deps.operators;
    if (!operators) throw new ProblemError('unauthorized', 'The admin API is not served here');
    if (operators.session && !header(request, 'pronto-signature')) {
      const signedIn = await operators.session(request);
      if (signedIn === 'agent')
        throw new ProblemError('forbidden', "An agent's session may call no admin route");
      if (signedIn) {
        request.operator = signedIn;
        request.tenantId = signedIn.tenantId ?? '';
        parseBody(request, raw);
        return;
      }
    }
    const keyId = header(request, 'pronto-key-id');
    if (!keyId) {
      throw new ProblemError(
        'unauthorized',
        'Sign the request with an operator key (Pronto-Key-Id, Pronto-Timestamp, Pronto-Signature), or sign in on the console',
      );
    }
    const key = await operators.keys.find(keyId);
    const signatures = verify(request, raw, key?.secrets);
    if (!key) throw new ProblemError('unauthorized', 'Pronto-Signature does not match the request');
    request.operator = { role: key.role, tenantId: key.tenantId, actor: `key:${key.keyId}` };
    request.tenantId = key.tenantId ?? '';
    limit(`operator-key:${key.keyId}`, OPERATOR_RATE, 'operator key');
    await claimOnce(request, { tenantId: key.tenantId ?? INSTALLATION, keyId: key.keyId, signatures });
    parseBody(request, raw);
  }

  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const raw = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    request.rawBody = raw;
    request.operator = null;
    if (request.routeOptions.config.operator === true) return authenticateOperator(request, raw);
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
    const signatures = verify(request, raw, key?.secrets);
    if (!key) throw new ProblemError('unauthorized', 'Pronto-Signature does not match the request');
    request.tenantId = key.tenantId;
    limit(key.tenantId, key.rate, 'tenant');
    await claimOnce(request, { tenantId: key.tenantId, keyId: key.keyId, signatures });
    parseBody(request, raw);
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isJson(request: FastifyRequest): boolean {
  return header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
