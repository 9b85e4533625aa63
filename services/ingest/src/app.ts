import type { HttpOptions } from '@pronto/config';
import type { Database } from '@pronto/db';
import {
  buildSignedApiApp,
  type OperatorSessionAuthenticator,
  type SessionAuthenticator,
  SIGNED_API_BODY_LIMIT,
} from '@pronto/http';
import type { Logger } from '@pronto/telemetry';
import type { SecretBox } from '@pronto/tenancy';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createCampaignDirectory } from './campaign-directory.ts';
import { createEventWriter } from './event-writer.ts';
import { dncRoute } from './routes/dnc.ts';
import { dncImportRoute } from './routes/dnc-import.ts';
import { getLeadRoute } from './routes/get-lead.ts';
import { postEventRoute } from './routes/post-event.ts';
import { postEventBatchRoute } from './routes/post-event-batch.ts';

/** One event may be at most this large (413 over 256 KB, docs/api.md). */
export const EVENT_BODY_LIMIT = SIGNED_API_BODY_LIMIT;

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
  /** The admin API's console sessions (when `signedRoutes` carries the admin API). */
  operatorSession?: OperatorSessionAuthenticator;
  /** How often expired used signatures are deleted (ms, default 60 s; 0: never, for tests that sweep). */
  usedSignatureSweepMs?: number;
  /** PRONTO_TRUST_PROXY and PRONTO_REQUEST_TIMEOUT_MS (defaults: no proxy, 30 s). */
  http?: Partial<HttpOptions>;
}

/**
 * The intake API: the signed API app (@pronto/http) with event intake, leads and DNC behind its
 * signature check. It never listens (main.ts does), so tests drive it with inject().
 */
export async function buildApp(deps: IngestDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const writer = createEventWriter({
    db: deps.db,
    now,
    logger: deps.logger,
    ...deps.writer,
    ...(deps.onEventsCommitted ? { onCommitted: deps.onEventsCommitted } : {}),
  });
  const intake: FastifyPluginAsync = async (signed) => {
    const campaigns = createCampaignDirectory(deps.db.prisma, () => now().getTime());
    await signed.register(postEventRoute, { writer, campaigns });
    await signed.register(postEventBatchRoute, { writer, campaigns });
    await signed.register(getLeadRoute, { prisma: deps.db.prisma, now });
    await signed.register(dncRoute, { sql: deps.db.sql, now });
    await signed.register(dncImportRoute, { sql: deps.db.sql, now });
  };
  const app = await buildSignedApiApp({
    db: deps.db,
    secretBox: deps.secretBox,
    logger: deps.logger,
    now,
    signedRoutes: [intake, ...(deps.signedRoutes ?? [])],
    sessionAuthenticator: deps.sessionAuthenticator,
    operatorSession: deps.operatorSession,
    usedSignatureSweepMs: deps.usedSignatureSweepMs,
    http: deps.http,
  });
  // Events already taken are committed and answered before the database goes away.
  app.addHook('onClose', async () => writer.close());
  return app;
}
