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

/** Every error leaves as RFC 9457 problem+json; a database outage is 503 with Retry-After, never a 202. */
export function problemErrorHandler(
  error: FastifyError | ProblemError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let problem: ProblemError;
  if (error instanceof ProblemError) problem = error;
  else if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    problem = new ProblemError(
      'service-unavailable',
      'The database is unavailable; nothing was stored',
      undefined,
      { 'retry-after': '5' },
    );
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
}
