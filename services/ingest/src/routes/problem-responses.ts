import { Problem } from '@pronto/contracts';

/** A route's problem+json answers for its OpenAPI responses: `problemResponses(400, 401)` is `{ 400: Problem, 401: Problem }`. */
export function problemResponses<const S extends number>(...statuses: S[]): Record<S, typeof Problem> {
  return Object.fromEntries(statuses.map((status) => [status, Problem])) as Record<S, typeof Problem>;
}
