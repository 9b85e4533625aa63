import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { API_HELMET_OPTIONS, type HttpOptions, httpServerOptions } from '@pronto/config';
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
import { createApiKeyDirectory } from './api-key-directory.ts';
import { createAuthenticate, type SessionAuthenticator } from './authenticate.ts';
import { createCampaignDirectory } from './campaign-directory.ts';
import { problemErrorHandler } from './error-handler.ts';
import { createEventWriter } from './event-writer.ts';
import { ProblemError } from './problems.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { dncRoute } from './routes/dnc.ts';
import { dncImportRoute } from './routes/dnc-import.ts';
import { getLeadRoute } from './routes/get-lead.ts';
import { healthRoute } from './routes/health.ts';
import { postEventRoute } from './routes/post-event.ts';
import { postEventBatchRoute } from './routes/post-event-batch.ts';
import { problemPagesRoute } from './routes/problem-pages.ts';
import { createUsedSignatures } from './used-signatures.ts';

/** One event may be at most this large (DESIGN: 413 over 256 KB). */
export const EVENT_BODY_LIMIT = 256 * 1024;

export interface IngestDeps {
  db: Database;
  secretBox: SecretBox;
  logger: Logger;
  /** The clock; tests move it. */
  now?: () => Date;
  /** Events per transaction, and transactions in flight (defaults suit the database kind). */
  writer?: { maxBatch?: number; maxConcurrency?: number };
  /** Told after each commit of events, so the outbox relay publishes them without waiting to poll. */
  onEventsCommitted?: () => void;
  /**
   * More routes behind the same signature check (a request's tenant is `request.tenantId`): other
   * services' read APIs in the one process (reporting's GET /v1/reports/sla).
   */
  signedRoutes?: readonly FastifyPluginAsync[];
  /**
   * Consulted for GET requests of the signed routes that carry no signature (a manager's session
   * on GET /v1/reports/*); the tenant it answers is the request's, as a signature's would be.
   */
  sessionAuthenticator?: SessionAuthenticator;
  /**
   * false: no event intake, lead or DNC routes, only `signedRoutes` behind the same signature check
   * (the reporting service's own API in the distributed run). Default true.
   */
  intake?: boolean;
  /** How often expired used signatures are deleted (ms, default 60 s; 0: never, for tests that sweep). */
  usedSignatureSweepMs?: number;
  /** PRONTO_TRUST_PROXY and PRONTO_REQUEST_TIMEOUT_MS (defaults: no proxy, 30 s). */
  http?: Partial<HttpOptions>;
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

/** Builds the intake API; it never listens (main.ts does), so tests drive it with inject(). */
export async function buildApp(deps: IngestDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One log line per request would dominate the logs at intake rates; events log their lead id instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Batches are larger than one event; their own route limit applies (see post-event-batch).
    bodyLimit: EVENT_BODY_LIMIT,
    return503OnClosing: true,
    // Behind a proxy or not, a 30 s request limit, and problem+json for what fails before routing.
    ...httpServerOptions({
      trustProxy: deps.http?.trustProxy ?? false,
      requestTimeoutMs: deps.http?.requestTimeoutMs ?? 30_000,
    }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new ProblemError('not-found', `No route ${request.method} ${request.url}`);
  });
  // Keep the bytes: the signature covers them exactly, and JSON is parsed only after it checks out.
  // Every other content type is refused with 415 (fastify's own text/plain parser is removed).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  app.decorateRequest('tenantId', '');
  app.decorateRequest('rawBody', null as unknown as Buffer);

  const writer = createEventWriter({
    db: deps.db,
    now,
    logger: deps.logger,
    ...deps.writer,
    ...(deps.onEventsCommitted ? { onCommitted: deps.onEventsCommitted } : {}),
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Events already taken are committed and answered before the database goes away.
  app.addHook('onClose', async () => writer.close());
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
      info: {
        title: 'Pronto intake API',
        version: '1',
        description:
          'Send web-intent events; Pronto calls the person within the SLA. Requests are signed: Pronto-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "\\n" + METHOD + "\\n" + path-with-query + "\\n" + raw body)>, with Pronto-Key-Id and Pronto-Timestamp (unix seconds, within 300 s). A state-changing request other than event intake (PUT, DELETE, POST /v1/dnc:import, survey replies, alert settings) is taken once per signature: the same signature again within the window answers 409 /problems/replayed-request, so sign every send, retries included, with a new timestamp. POST /v1/events and /v1/events:batch may be sent again as they were: the eventId answers the first answer.',
      },
      components: {
        securitySchemes: {
          signature: {
            type: 'apiKey',
            in: 'header',
            name: 'Pronto-Signature',
            description: 'With Pronto-Key-Id and Pronto-Timestamp; see above.',
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
    const keys = createApiKeyDirectory(deps.db.prisma, deps.secretBox, now);
    signed.addHook(
      'preValidation',
      createAuthenticate({
        keys,
        limiter: createRateLimiter(() => now().getTime()),
        now,
        session: deps.sessionAuthenticator,
        used,
      }),
    );
    if (deps.intake !== false) {
      const campaigns = createCampaignDirectory(deps.db.prisma, () => now().getTime());
      await signed.register(postEventRoute, { writer, campaigns });
      await signed.register(postEventBatchRoute, { writer, campaigns });
      await signed.register(getLeadRoute, { prisma: deps.db.prisma, now });
      await signed.register(dncRoute, { sql: deps.db.sql, now });
      await signed.register(dncImportRoute, { sql: deps.db.sql, now });
    }
    for (const routes of deps.signedRoutes ?? []) await signed.register(routes);
  });
  return app;
}
