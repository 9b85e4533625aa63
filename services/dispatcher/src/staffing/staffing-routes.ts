import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '@pronto/contracts';
import type { Sql } from '@pronto/db';
import type { FastifyPluginAsync } from 'fastify';
import type { DispatchPolicy } from '../policy/index.ts';
import { createAnswerCache } from './answer-cache.ts';
import { createComputeGate } from './compute-gate.ts';
import { loadStaffing } from './load-staffing.ts';
import { readStaffingQuery, StaffingQuery } from './staffing-query.ts';
import { type StaffingAnswer, StaffingSchema } from './staffing-schema.ts';

export interface StaffingRouteDeps {
  sql: Sql;
  now: () => Date;
  /** How long an answer is reused for the same tenant and query (ms, default 60 s; 0: never). */
  cacheMs?: number;
  /** The policy the simulator runs; default the dispatcher's own. */
  policy?: DispatchPolicy;
}

/** Answers that may wait for the one being computed; more get a 503 with Retry-After. */
const MAX_WAITING_ANSWERS = 4;

/** GET /v1/staffing, for a tenant's signed requests and its managers' sessions. */
export const staffingRoutes: FastifyPluginAsyncTypebox<StaffingRouteDeps> = async (app, deps) => {
  const cache = createAnswerCache<StaffingAnswer>(deps.cacheMs ?? 60_000);
  const gate = createComputeGate(MAX_WAITING_ANSWERS);
  app.get(
    '/v1/staffing',
    {
      schema: {
        tags: ['staffing'],
        security: [{ signature: [] }],
        summary: "Agents needed per hour for the campaign's attainment target, against agents signed in",
        description:
          "For each local hour of `date`: the forecast arrivals, the agents Erlang C and the simulator (the dispatcher's own policy) say the target needs, the agents signed in, and the gap. docs/staffing.md explains each number.",
        querystring: StaffingQuery,
        response: {
          200: StaffingSchema,
          400: Problem,
          401: Problem,
          404: Problem,
          429: Problem,
          503: Problem,
        },
      },
    },
    async (request) => {
      const params = readStaffingQuery(request.query);
      const now = deps.now();
      const key = JSON.stringify([request.tenantId, params]);
      return cache.get(key, now.getTime(), () =>
        gate.run(() => loadStaffing(deps.sql, request.tenantId, params, now, deps.policy)),
      );
    },
  );
};

/**
 * The dispatcher's signed API, for buildApp's `signedRoutes`: the staffing advice. The same list in
 * the embedded process and in the dispatcher service of the distributed run.
 */
export function staffingSignedRoutes(deps: StaffingRouteDeps): FastifyPluginAsync[] {
  return [async (scope) => scope.register(staffingRoutes, deps)];
}
