import type { Sql } from '@pronto/db';
import type { FastifyPluginAsync } from 'fastify';
import { kpiRoutes } from './kpi/kpi-routes.ts';
import { reportRoutes } from './report-routes.ts';

/**
 * Reporting's signed API, for buildApp's `signedRoutes`: the SLA report and its CSV, and the KPIs.
 * The same list in the embedded process and in the reporting service of the distributed run, so both
 * answer the same requests (NPS replies are the surveys service's, alert settings the alerts service's).
 */
export function reportingSignedRoutes(deps: { sql: Sql; now: () => Date }): FastifyPluginAsync[] {
  return [
    async (scope) => scope.register(reportRoutes, deps),
    async (scope) => scope.register(kpiRoutes, deps),
  ];
}
