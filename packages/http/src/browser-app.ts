import helmet from '@fastify/helmet';
import type { HttpOptions } from '@pronto/config';
import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createProblemErrorHandler, notFoundProblem, type UnavailableProblem } from './error-handler.ts';
import { healthRoute } from './health-route.ts';
import { API_HELMET_OPTIONS } from './security-headers.ts';
import { httpServerOptions } from './server-options.ts';

/**
 * The app of a browser service on its own (the agent gateway, the console in the distributed run):
 * problem+json for every error with the service's 503, frame protection, and GET /healthz (200
 * while the database answers). The service mounts its browser scope on it; it never listens
 * (main.ts does).
 */
export async function buildBrowserApp(deps: {
  db: Database;
  logger: Logger;
  unavailable: UnavailableProblem;
  /** What /healthz answers (its OpenAPI summary). */
  healthSummary: string;
  /** PRONTO_TRUST_PROXY and PRONTO_REQUEST_TIMEOUT_MS (defaults: no proxy, 30 s). */
  http?: Partial<HttpOptions> | undefined;
}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    return503OnClosing: true,
    ...httpServerOptions({
      trustProxy: deps.http?.trustProxy ?? false,
      requestTimeoutMs: deps.http?.requestTimeoutMs ?? 30_000,
    }),
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.setErrorHandler(createProblemErrorHandler(deps.unavailable));
  app.setNotFoundHandler(notFoundProblem);
  await app.register(helmet, API_HELMET_OPTIONS);
  await app.register(healthRoute, { db: deps.db, isClosing: () => closing, summary: deps.healthSummary });
  return app;
}
