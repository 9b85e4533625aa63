import type { Sql } from '@pronto/db';
import type { FastifyPluginAsync } from 'fastify';
import { alertSettingsRoutes } from './alert-settings-routes.ts';

/**
 * The alerts service's signed API, for buildApp's `signedRoutes`: the alert settings. The same list
 * in the embedded process and in the alerts service of the distributed run, so both answer the same
 * requests.
 */
export function alertsSignedRoutes(deps: { sql: Sql; now: () => Date }): FastifyPluginAsync[] {
  return [async (scope) => scope.register(alertSettingsRoutes, deps)];
}
