import { buildBrowserApp, DASHBOARD_UNAVAILABLE, type healthRoute } from '@pronto/http';
import type { FastifyInstance } from 'fastify';
import { type ConsoleDeps, registerConsole } from './register-console.ts';

/**
 * The console as its own service (distributed mode): the managers' pages and GET /healthz. It never
 * listens (main.ts does); closing the app ends the dashboard's streams.
 */
export async function buildConsoleApp(
  deps: ConsoleDeps & Pick<Parameters<typeof healthRoute>[1], 'db'>,
): Promise<FastifyInstance> {
  const app = await buildBrowserApp({
    db: deps.db,
    logger: deps.logger,
    unavailable: DASHBOARD_UNAVAILABLE,
    healthSummary: 'Can managers sign in and read the dashboard?',
    http: deps.http,
  });
  await registerConsole(app, deps);
  return app;
}
