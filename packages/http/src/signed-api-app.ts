import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { HttpOptions } from '@pronto/config';
import { compileValidator } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { SecretBox } from '@pronto/tenancy';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifySchemaCompiler,
  LogController,
} from 'fastify';
import type { TSchema } from 'typebox';
import { createApiKeyDirectory, createOperatorKeyDirectory } from './api-key-directory.ts';
import {
  createAuthenticate,
  type OperatorSessionAuthenticator,
  type SessionAuthenticator,
} from './authenticate.ts';
import {
  createProblemErrorHandler,
  EVENTS_UNAVAILABLE,
  notFoundProblem,
  type UnavailableProblem,
} from './error-handler.ts';
import { healthRoute } from './health-route.ts';
import { keepJsonBytes } from './json-bodies.ts';
import { problemPagesRoute } from './problem-pages.ts';
import { ProblemError } from './problems.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { API_HELMET_OPTIONS } from './security-headers.ts';
import { httpServerOptions } from './server-options.ts';
import { createUsedSignatures } from './used-signatures.ts';

/** A body may be at most this large unless its route says otherwise: one event's 256 KB (413 above). */
export const SIGNED_API_BODY_LIMIT = 256 * 1024;

export interface SignedApiDeps {
  db: Database;
  /** Opens the API keys' secrets. */
  secretBox: SecretBox;
  logger: Logger;
  /** The clock; tests move it. */
  now?: () => Date;
  /**
   * The routes behind the signature check, each registered in the signed scope (a request's tenant
   * is `request.tenantId`, its body parsed JSON): ingest's intake, reporting's reports.
   */
  signedRoutes: readonly FastifyPluginAsync[];
  /**
   * Consulted for GET requests of the signed routes that carry no signature (a manager's session
   * on GET /v1/reports/*); the tenant it answers is the request's, as a signature's would be.
   */
  sessionAuthenticator?: SessionAuthenticator | undefined;
  /**
   * The admin API's browser sessions (a manager's or admin's console session) for `operator` routes;
   * operator keys are always read from the database.
   */
  operatorSession?: OperatorSessionAuthenticator | undefined;
  /** How often expired used signatures are deleted (ms, default 60 s; 0: never, for tests that sweep). */
  usedSignatureSweepMs?: number | undefined;
  /** PRONTO_TRUST_PROXY and PRONTO_REQUEST_TIMEOUT_MS (defaults: no proxy, 30 s). */
  http?: Partial<HttpOptions> | undefined;
  /** The 503 when the database is down (default: the event intake's, "nothing was stored"). */
  unavailable?: UnavailableProblem | undefined;
}

const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = compileValidator(schema);
  return (data) => {
    const result = validator.validate(data);
    if (result.ok) return { value: result.value };
    return {
      error: new ProblemError(
        'validation-error',
        `The ${httpPart ?? 'request'} has invalid fields`,
        result.errors,
      ),
    };
  };
};

/** The OpenAPI document's front page: what every signed route shares, the signing recipe. */
const OPENAPI_INFO = {
  title: 'Pronto intake API',
  version: '1',
  description:
    'Send web-intent events; Pronto calls the person within the SLA. Requests are signed: Pronto-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "\\n" + METHOD + "\\n" + path-with-query + "\\n" + raw body)>, with Pronto-Key-Id and Pronto-Timestamp (unix seconds, within 300 s). A state-changing request other than event intake (PUT, DELETE, POST /v1/dnc:import, survey replies, alert settings) is taken once per signature: the same signature again within the window answers 409 /problems/replayed-request, so sign every send, retries included, with a new timestamp. POST /v1/events and /v1/events:batch may be sent again as they were: the eventId answers the first answer.',
};

/**
 * The signed API's fastify app (ingest's intake, reporting's reports, both in the embedded process):
 * problem+json for every error, JSON bodies kept as bytes until the signature over them checks out,
 * then the tenant's rate limit and the replay check, GET /healthz, /problems/<slug>, /docs and
 * /openapi.json. It never listens (main.ts does), so tests drive it with inject().
 */
export async function buildSignedApiApp(deps: SignedApiDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One log line per request would dominate the logs at intake rates; events log their lead id instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Batches are larger than one event; their own route limit applies.
    bodyLimit: SIGNED_API_BODY_LIMIT,
    return503OnClosing: true,
    // Behind a proxy or not, a 30 s request limit, and problem+json for what fails before routing.
    ...httpServerOptions({
      trustProxy: deps.http?.trustProxy ?? false,
      requestTimeoutMs: deps.http?.requestTimeoutMs ?? 30_000,
    }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(createProblemErrorHandler(deps.unavailable ?? EVENTS_UNAVAILABLE));
  app.setNotFoundHandler(notFoundProblem);
  keepJsonBytes(app);
  app.decorateRequest('tenantId', '');
  app.decorateRequest('rawBody', null as unknown as Buffer);
  app.decorateRequest('operator', null);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  const used = createUsedSignatures(deps.db.sql, now);
  const sweepMs = deps.usedSignatureSweepMs ?? 60_000;
  // Every instance sweeps; the deletes are idempotent and cheap (an index on expires_at).
  const sweep =
    sweepMs > 0
      ? setInterval(() => {
          used
            .sweep()
            .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not sweep used signatures'));
        }, sweepMs).unref()
      : undefined;
  app.addHook('onClose', async () => clearInterval(sweep));

  // Frame protection and the plugin's default headers; the desktop's and dashboard's scopes set their own CSP.
  await app.register(helmet, API_HELMET_OPTIONS);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: {
        securitySchemes: {
          signature: {
            type: 'apiKey',
            in: 'header',
            name: 'Pronto-Signature',
            description: 'With Pronto-Key-Id and Pronto-Timestamp; see above.',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'pronto_manager',
            description:
              "The admin API (/v1/admin) also takes a manager's or admin's console session; a change made with it must come from the console's origin.",
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoute, { db: deps.db, isClosing: () => closing });
  await app.register(problemPagesRoute);
  await app.register(async (signed) => {
    signed.addHook(
      'preValidation',
      createAuthenticate({
        keys: createApiKeyDirectory(deps.db.sql, deps.secretBox, now),
        limiter: createRateLimiter(() => now().getTime()),
        now,
        session: deps.sessionAuthenticator,
        used,
        operators: {
          keys: createOperatorKeyDirectory(deps.db.sql, deps.secretBox, now),
          session: deps.operatorSession,
        },
      }),
    );
    for (const routes of deps.signedRoutes) await signed.register(routes);
  });
  return app;
}
