import { type FieldError, PROBLEM_CONTENT_TYPE, type Problem } from '@pronto/contracts';
import { isDatabaseUnavailable } from '@pronto/db';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The problems the gateway's HTTP routes answer with (RFC 9457), by slug. */
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
  'agent-gateway-unavailable': { status: 503, title: 'Sign-in is unavailable right now' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

/** An error that leaves as problem+json; thrown anywhere in a gateway route. */
export class ProblemError extends Error {
  constructor(
    readonly slug: ProblemSlug,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? PROBLEM_TYPES[slug].title);
    this.name = 'ProblemError';
  }

  get status(): number {
    return PROBLEM_TYPES[this.slug].status;
  }
}

/** One bad field, named as the client wrote it and as a JSON Pointer. */
export const fieldError = (field: string, detail: string): FieldError => ({
  field,
  pointer: field === '' ? '' : `/${field.split('.').join('/')}`,
  detail,
});

export function sendProblem(reply: FastifyReply, problem: ProblemError, instance: string) {
  const body: Problem = {
    type: `/problems/${problem.slug}`,
    title: PROBLEM_TYPES[problem.slug].title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance,
    ...(problem.errors && problem.errors.length > 0 ? { errors: problem.errors } : {}),
  };
  if (problem.slug === 'agent-gateway-unavailable') reply.header('retry-after', '5');
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

const BY_FASTIFY_CODE: Record<string, ProblemSlug> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-json',
};

/**
 * The gateway's routes answer every error as problem+json, whichever app they are mounted on (the
 * intake app has its own handler, with problem kinds about signed API requests).
 */
export function gatewayErrorHandler(
  error: FastifyError | ProblemError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let problem: ProblemError;
  if (error instanceof ProblemError) problem = error;
  else if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    problem = new ProblemError('agent-gateway-unavailable', 'The database is unavailable');
  } else if (error.code && BY_FASTIFY_CODE[error.code]) {
    problem = new ProblemError(BY_FASTIFY_CODE[error.code] as ProblemSlug, error.message);
  } else {
    request.log.error({ err: error }, 'unhandled error');
    problem = new ProblemError('internal-error');
  }
  return sendProblem(reply, problem, request.url);
}
