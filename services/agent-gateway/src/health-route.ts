import type { Database } from '@pronto/db';
import type { FastifyInstance } from 'fastify';

/** GET /healthz: 200 while agents can sign in (the database answers), 503 otherwise. */
export function registerHealthRoute(app: FastifyInstance, db: Database) {
  app.get('/healthz', async (_request, reply) => {
    try {
      await withTimeout(db.sql.query('SELECT 1'), 2_000);
      return { status: 'ok', database: db.kind };
    } catch (error) {
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ status: 'unavailable', database: db.kind, detail: (error as Error).message });
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
