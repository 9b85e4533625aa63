import { type FieldError, PROBLEM_CONTENT_TYPE, type Problem } from '@pronto/contracts';
import { isDatabaseUnavailable } from '@pronto/db';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The problems the dashboard's routes answer with (RFC 9457), by slug: a person signing in is told
 * about a password, not about request signatures as the intake API's callers are.
 */
const PROBLEM_TYPES = {
  'validation-error': { status: 400, title: 'The request has invalid fields' },
  'invalid-json': { status: 400, title: 'The body is not valid JSON' },
  'sign-in-failed': { status: 401, title: 'Wrong username or password' },
  'not-signed-in': { status: 401, title: 'Not signed in, or the session expired' },
  'forbidden-origin': { status: 403, title: 'This page may not act on Pronto' },
  'not-found': { status: 404, title: 'Not found' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type' },
  'too-many-sign-ins': { status: 429, title: 'Too many sign-in attempts' },
  'reporting-unavailable': { status: 503, title: 'The dashboard is unavailable right now' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ManagerProblemSlug = keyof typeof PROBLEM_TYPES;

/** An error that leaves a dashboard route as problem+json. */
export class ManagerProblem extends Error {
  constructor(
    readonly slug: ManagerProblemSlug,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? PROBLEM_TYPES[slug].title);
    this.name = 'ManagerProblem';
  }

  get status(): number {
    return PROBLEM_TYPES[this.slug].status;
  }
}

const BY_FASTIFY_CODE: Record<string, ManagerProblemSlug> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-json',
};

/** Every error of a dashboard route as problem+json, whichever app the routes are mounted on. */
export function managerErrorHandler(
  error: FastifyError | ManagerProblem,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let problem: ManagerProblem;
  if (error instanceof ManagerProblem) problem = error;
  else if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    problem = new ManagerProblem('reporting-unavailable', 'The database is unavailable');
  } else if (error.code && BY_FASTIFY_CODE[error.code]) {
    problem = new ManagerProblem(BY_FASTIFY_CODE[error.code] as ManagerProblemSlug, error.message);
  } else {
    request.log.error({ err: error }, 'unhandled error');
    problem = new ManagerProblem('internal-error');
  }
  const body: Problem = {
    type: `/problems/${problem.slug}`,
    title: PROBLEM_TYPES[problem.slug].title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance: request.url,
    ...(problem.errors && problem.errors.length > 0 ? { errors: problem.errors } : {}),
  };
  if (problem.slug === 'reporting-unavailable') reply.header('retry-after', '5');
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body);
}
