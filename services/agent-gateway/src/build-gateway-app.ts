import { buildBrowserApp, SIGN_IN_UNAVAILABLE } from '@pronto/http';
import type { FastifyInstance } from 'fastify';
import { type AgentGatewayDeps, registerAgentGateway } from './register-agent-gateway.ts';

/**
 * The gateway as its own service (distributed mode): the gateway's routes and GET /healthz (200
 * while agents can sign in: the database answers). It never listens (main.ts does); closing the
 * app closes the gateway.
 */
export async function buildGatewayApp(deps: AgentGatewayDeps): Promise<FastifyInstance> {
  const app = await buildBrowserApp({
    db: deps.db,
    logger: deps.logger,
    unavailable: SIGN_IN_UNAVAILABLE,
    healthSummary: 'Can agents sign in here?',
    http: deps.http,
  });
  await registerAgentGateway(app, deps);
  return app;
}
