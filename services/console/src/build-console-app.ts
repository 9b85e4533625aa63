import helmet from '@fastify/helmet';
import {
  API_HELMET_OPTIONS,
  createProblemErrorHandler,
  DASHBOARD_UNAVAILABLE,
  healthRoute,
  httpServerOptions,
  notFoundProblem,
} from '@pronto/http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type ConsoleDeps, registerConsole } from './register-console.ts';

/**
 * The console as its own service (distributed mode): the managers' pages and GET /healthz. It never
 * listens (main.ts does); closing the app ends the dashboard's streams.
 */
export async function buildConsoleApp(deps: ConsoleDeps & Pick<Parameters<typeof healthRoute>[1], 'db'>) {
  let closing = false;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    return503OnClosing: true,
    ...httpServerOptions({
      trustProxy: deps.http?.trustProxy ?? false,
      requestTimeoutMs: deps.http?.requestTimeoutMs ?? 30_000,
    }),
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.setErrorHandler(createProblemErrorHandler(DASHBOARD_UNAVAILABLE));
  app.setNotFoundHandler(notFoundProblem);
  await app.register(helmet, API_HELMET_OPTIONS);
  await app.register(healthRoute, {
    db: deps.db,
    isClosing: () => closing,
    summary: 'Can managers sign in and read the dashboard?',
  });
  await registerConsole(app, deps);
  return app;
}
