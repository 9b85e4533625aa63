import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { healthRoute } from './health-route.ts';

export interface HealthServerOptions {
  db: Database;
  logger: Logger;
  /** PORT and HOST (0 picks a free port). */
  port: number;
  host: string;
  /** What the service is, for the OpenAPI summary: "Is scoring running?". */
  service: string;
}

export interface HealthServer {
  /** Where it listens, http://host:port. */
  readonly url: string;
  /** Stops answering: a probe then fails at once, as the process is going away. */
  close(): Promise<void>;
}

/**
 * The health app of a process that serves nothing else over HTTP (scoring, the dialer, and the
 * dispatcher, reporting and surveys without the master key): GET /healthz only, 200 while the
 * database answers, 503 with Retry-After otherwise, and 503 once it is closing. It never listens
 * (startHealthServer does), so tests drive it with inject().
 */
export async function buildHealthApp(options: Pick<HealthServerOptions, 'db' | 'logger' | 'service'>) {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Probes come every few seconds: one log line each would drown the service's own.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  await app.register(healthRoute, {
    db: options.db,
    isClosing: () => closing,
    summary: `Is ${options.service} running?`,
  });
  return app;
}

/**
 * Serves GET /healthz on `port` for container probes, and logs `listening` with its URL, as the
 * HTTP services do once they listen.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const app = await buildHealthApp(options);
  const url = await app.listen({ port: options.port, host: options.host });
  options.logger.info({ url, serves: '/healthz' }, 'listening');
  return { url, close: () => app.close() };
}
