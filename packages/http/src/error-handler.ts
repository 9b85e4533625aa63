import { PROBLEM_CONTENT_TYPE } from '@pronto/contracts';
import { isDatabaseUnavailable } from '@pronto/db';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { fieldError, ProblemError, type ProblemSlug, problemBody } from './problems.ts';

const BY_FASTIFY_CODE: Record<string, ProblemSlug> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid-json',
};

export type ProblemErrorHandler = (
  error: FastifyError | ProblemError,
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply;

/** The 503 of a surface whose database is down: the kind says what cannot be done (store events, sign in). */
export interface UnavailableProblem {
  slug: Extract<ProblemSlug, 'service-unavailable' | 'agent-gateway-unavailable' | 'reporting-unavailable'>;
  detail: string;
}

/** The signed API's: a database outage is a 503 with Retry-After, never a 202. */
export const EVENTS_UNAVAILABLE: UnavailableProblem = {
  slug: 'service-unavailable',
  detail: 'The database is unavailable; nothing was stored',
};

/**
 * The one error handler: every error leaves as RFC 9457 problem+json. A ProblemError as it says; a
 * database outage as the surface's 503 with Retry-After: 5; fastify's body and schema errors as
 * their kinds (a schema error names its field); anything else is logged and answered 500.
 */
export function createProblemErrorHandler(unavailable: UnavailableProblem): ProblemErrorHandler {
  return (error, request, reply) => {
    let problem: ProblemError;
    if (error instanceof ProblemError) problem = error;
    else if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      problem = new ProblemError(unavailable.slug, unavailable.detail, undefined, { 'retry-after': '5' });
    } else if (error.code && BY_FASTIFY_CODE[error.code]) {
      problem = new ProblemError(BY_FASTIFY_CODE[error.code] as ProblemSlug, error.message);
    } else if (error.code === 'FST_ERR_VALIDATION') {
      problem = new ProblemError('validation-error', error.message, [
        fieldError(error.validationContext ?? '', error.message),
      ]);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      problem = new ProblemError('internal-error');
    }
    return reply
      .code(problem.status)
      .headers(problem.headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problemBody(problem.slug, problem.detail, problem.errors, request.url));
  };
}

/** For setNotFoundHandler: an unknown route is a 404 problem naming it. */
export function notFoundProblem(request: FastifyRequest): never {
  throw new ProblemError('not-found', `No route ${request.method} ${request.url}`);
}

/** The desktop's: agents cannot sign in. */
export const SIGN_IN_UNAVAILABLE: UnavailableProblem = {
  slug: 'agent-gateway-unavailable',
  detail: 'The database is unavailable',
};

/** The dashboard's. */
export const DASHBOARD_UNAVAILABLE: UnavailableProblem = {
  slug: 'reporting-unavailable',
  detail: 'The database is unavailable',
};
