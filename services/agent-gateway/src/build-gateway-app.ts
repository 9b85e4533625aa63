import helmet from '@fastify/helmet';
import { API_HELMET_OPTIONS, httpServerOptions } from '@pronto/config';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerHealthRoute } from './health-route.ts';
import { gatewayErrorHandler, ProblemError } from './problems.ts';
import { type AgentGatewayDeps, registerAgentGateway } from './register-agent-gateway.ts';

/**
 * The gateway as its own service (distributed mode): the gateway's routes and GET /healthz. It
 * never listens (main.ts does); closing the app closes the gateway.
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
  app.setErrorHandler(gatewayErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new ProblemError('not-found', `No route ${request.method} ${request.url}`);
  });
  await app.register(helmet, API_HELMET_OPTIONS);
  registerHealthRoute(app, deps.db);
  await registerAgentGateway(app, deps);
  return app;
}
