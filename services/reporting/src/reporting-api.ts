import type { Sql } from '@pronto/db';
import type { FastifyPluginAsync } from 'fastify';
import { alertSettingsRoutes } from './alerts/alert-settings-routes.ts';
import { kpiRoutes } from './kpi/kpi-routes.ts';
import { reportRoutes } from './report-routes.ts';
import { surveyRoutes } from './surveys/survey-routes.ts';

/**
 * Reporting's signed API, for buildApp's `signedRoutes`: the SLA report and its CSV, the KPIs, NPS
 * replies and the alert settings. The same list in the embedded process and in the reporting
 * service of the distributed run, so both answer the same requests.
 */
export function reportingSignedRoutes(deps: { sql: Sql; now: () => Date }): FastifyPluginAsync[] {
  return [
    async (scope) => scope.register(reportRoutes, deps),
    async (scope) => scope.register(kpiRoutes, deps),
    async (scope) => scope.register(surveyRoutes, deps),
    async (scope) => scope.register(alertSettingsRoutes, deps),
  ];
}
