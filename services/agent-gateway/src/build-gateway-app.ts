import helmet from '@fastify/helmet';
import {
  API_HELMET_OPTIONS,
  createProblemErrorHandler,
  healthRoute,
  httpServerOptions,
  notFoundProblem,
  SIGN_IN_UNAVAILABLE,
} from '@pronto/http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type AgentGatewayDeps, registerAgentGateway } from './register-agent-gateway.ts';

/**
 * The gateway as its own service (distributed mode): the gateway's routes and GET /healthz (200
 * while agents can sign in: the database answers). It never listens (main.ts does); closing the
 * app closes the gateway.
 */
export async function buildGatewayApp(deps: AgentGatewayDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    return503OnClosing: true,
    ...httpServerOptions({
      trustProxy: deps.http?.trustProxy ?? false,
      requestTimeoutMs: deps.http?.requestTimeoutMs ?? 30_000,
    }),
  });
  app.setErrorHandler(createProblemErrorHandler(SIGN_IN_UNAVAILABLE));
  app.setNotFoundHandler(notFoundProblem);
  await app.register(helmet, API_HELMET_OPTIONS);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  await app.register(healthRoute, {
    db: deps.db,
    isClosing: () => closing,
    summary: 'Can agents sign in here?',
  });
  await registerAgentGateway(app, deps);
  return app;
}
