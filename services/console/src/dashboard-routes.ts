import type { SqlQueryable } from '@pronto/db';
import { requireSession, type Sessions, sessionTenant } from '@pronto/http';
import type { FastifyInstance } from 'fastify';
import { type DashboardFilters, dashboardFilters, dashboardPeriod } from './dashboard-filters.ts';
import { dashboardSnapshot } from './dashboard-snapshot.ts';
import type { DashboardStreams } from './dashboard-stream.ts';

export interface DashboardRouteDeps {
  sql: SqlQueryable;
  sessions: Sessions;
  streams: DashboardStreams;
  now: () => Date;
}

/**
 * GET /manager/snapshot (the figures once, JSON) and GET /manager/stream (the same as server-sent
 * events, again whenever they change), for the signed-in manager's tenant and the page's filters.
 */
export function registerDashboardRoutes(scope: FastifyInstance, deps: DashboardRouteDeps) {
  const snapshot = (tenantId: string, filters: DashboardFilters) => {
    const now = deps.now();
    // The period is taken again at each computation: "today" and "live" move with the clock.
    return dashboardSnapshot(deps.sql, { tenantId, filters, period: dashboardPeriod(filters, now), now });
  };

  scope.get('/manager/snapshot', async (request, reply) => {
    const { user: manager } = await requireSession(deps.sessions, request);
    const filters = dashboardFilters(request.query);
    const body = await snapshot(sessionTenant(manager), filters);
    return reply.header('cache-control', 'no-store').send(body);
  });

  scope.get('/manager/stream', async (request, reply) => {
    const session = await requireSession(deps.sessions, request);
    const tenantId = sessionTenant(session.user);
    const filters = dashboardFilters(request.query);
    // A bad period is a 400 problem now, not a silent stream.
    dashboardPeriod(filters, deps.now());
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    // A reconnecting EventSource waits this long (ms) after the stream drops.
    reply.raw.write('retry: 3000\n\n');
    const key = JSON.stringify([tenantId, filters.query]);
    await deps.streams.watch(
      key,
      reply.raw,
      async () => JSON.stringify(await snapshot(tenantId, filters)),
      session,
    );
  });
}
