import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '@pronto/db';
import Type from 'typebox';

const Health = Type.Object({
  status: Type.Enum(['ok', 'unavailable']),
  database: Type.String(),
  detail: Type.Optional(Type.String()),
});

/** 200 while events can be accepted (the database answers), 503 otherwise: what a load balancer needs. */
export const healthRoute: FastifyPluginAsyncTypebox<{
  db: Database;
  isClosing: () => boolean;
  /** The OpenAPI summary (default: the intake's question). */
  summary?: string;
}> = async (app, deps) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: deps.summary ?? 'Can this process accept events?',
        tags: ['operations'],
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      if (deps.isClosing())
        return reply
          .code(503)
          .send({ status: 'unavailable', database: deps.db.kind, detail: 'shutting down' });
      try {
        await withTimeout(deps.db.sql.query('SELECT 1'), 2_000);
        return { status: 'ok' as const, database: deps.db.kind };
      } catch (error) {
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ status: 'unavailable', database: deps.db.kind, detail: (error as Error).message });
      }
    },
  );
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
