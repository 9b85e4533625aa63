import type { Sql } from '@pronto/db';
import type { FastifyPluginAsync } from 'fastify';
import { surveyRoutes } from './survey-routes.ts';

/**
 * The surveys service's signed API, for buildApp's `signedRoutes`: the NPS replies. The same list in
 * the embedded process and in the surveys service of the distributed run, so both answer the same
 * requests.
 */
export function surveysSignedRoutes(deps: { sql: Sql; now: () => Date }): FastifyPluginAsync[] {
  return [async (scope) => scope.register(surveyRoutes, deps)];
}
