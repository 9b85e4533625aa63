import type { FieldError, Problem } from '@pronto/contracts';

/** What one kind of problem says: its status, its title, and for the signed API a page that explains it. */
export interface ProblemType {
  readonly status: number;
  readonly title: string;
  /** The text of GET /problems/<slug> (the signed API's kinds); a kind without help has no page. */
  readonly help?: string;
}

/**
 * Every kind of problem Pronto's HTTP surfaces answer with (RFC 9457), by slug: the signed API's
 * (with a page each, /problems/<slug>) and the browser pages' (sign-in, sessions, origins). One
 * catalogue, so a slug means the same thing wherever it is answered.
 */
export const PROBLEM_TYPES = {
  'validation-error': {
    status: 400,
    title: 'The request has invalid fields',
    help: 'Fix every field named in `errors` and send again.',
  },
  'invalid-json': {
    status: 400,
    title: 'The body is not valid JSON',
    help: 'Send one JSON document, UTF-8 encoded.',
  },
  unauthorized: {
    status: 401,
    title: 'The request is not signed correctly',
    help: 'Send Pronto-Key-Id, Pronto-Timestamp (unix seconds, within 5 minutes of now) and Pronto-Signature: v1=<hex HMAC-SHA256(secret, timestamp\\nMETHOD\\npath-with-query\\nraw body)>.',
  },
  // Answered before a request reaches any route (httpServerOptions): the URL, the headers or the bytes.
  'bad-request': { status: 400, title: 'The request is not valid HTTP' },
  'invalid-url': { status: 400, title: 'The URL is not valid' },
  'request-timeout': { status: 408, title: 'The request took too long to arrive' },
  'uri-too-long': { status: 414, title: 'The URL is too long' },
  'request-headers-too-large': { status: 431, title: 'The request headers are too large' },
  'sign-in-failed': { status: 401, title: 'Wrong username or password' },
  'not-signed-in': { status: 401, title: 'Not signed in, or the session expired' },
  'forbidden-origin': { status: 403, title: 'This page may not act on Pronto' },
  forbidden: {
    status: 403,
    title: 'Not allowed for this role',
    help: "The admin API (/v1/admin) takes an operator key or a manager's or admin's session; a manager acts on their own tenant only, an admin on the installation. An agent's session and a client's event key may call no admin route.",
  },
  conflict: {
    status: 409,
    title: 'The change conflicts with what is stored',
    help: 'Something of that name already exists, or the resource is in a state that does not allow the change; `detail` says which. Read it (GET) and decide.',
  },
  'not-found': { status: 404, title: 'Not found', help: 'The resource does not exist for this tenant.' },
  'event-id-conflict': {
    status: 409,
    title: 'This eventId was already used with a different body',
    help: 'An eventId identifies one event forever: send the original body to read the first answer, or use a new eventId for a new event.',
  },
  // 409, not 401: the signature is right (a 401 would send a client to check its key); what conflicts
  // is that this very request was already taken, perhaps by an earlier try whose answer was lost.
  'replayed-request': {
    status: 409,
    title: 'This signed request was already received',
    help: 'A state-changing request (POST, PUT, PATCH, DELETE; event intake excepted) is taken once per signature, for as long as its timestamp is in the 300 s window. The first one may have taken effect: read the state (GET) before sending again, and sign every send, retries included, with a new Pronto-Timestamp. Event intake is exempt: resend the same event and its eventId answers the first answer.',
  },
  'survey-already-answered': {
    status: 409,
    title: 'The survey was already answered with another score',
    help: 'The first answer stands; send the same score again to read it back.',
  },
  'survey-expired': {
    status: 410,
    title: 'The survey has expired',
    help: 'Replies are taken for 7 days after the question; a later reply is not recorded.',
  },
  'payload-too-large': {
    status: 413,
    title: 'The body is too large',
    help: 'One event may be at most 256 KB; split large batches.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported content type',
    help: 'Send Content-Type: application/json.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests for this tenant',
    help: 'Wait for Retry-After seconds, then send again with the same eventId.',
  },
  'too-many-sign-ins': { status: 429, title: 'Too many sign-in attempts' },
  'service-unavailable': {
    status: 503,
    title: 'Pronto cannot store events right now',
    help: 'Nothing was stored. Send again after Retry-After seconds with the same eventId; a replay is answered with the first answer.',
  },
  'agent-gateway-unavailable': { status: 503, title: 'Sign-in is unavailable right now' },
  'reporting-unavailable': { status: 503, title: 'The dashboard is unavailable right now' },
  'staffing-busy': {
    status: 503,
    title: 'The staffing advice is busy with other answers',
    help: 'Nothing is wrong with the request: ask again after Retry-After seconds.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    help: 'Nothing may have been stored. Send again with the same eventId.',
  },
} as const satisfies Record<string, ProblemType>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

/** An error that becomes a problem+json answer; thrown anywhere in a request's handling. */
export class ProblemError extends Error {
  constructor(
    readonly slug: ProblemSlug,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Headers the answer carries (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? PROBLEM_TYPES[slug].title);
    this.name = 'ProblemError';
  }

  get status(): number {
    return PROBLEM_TYPES[this.slug].status;
  }
}

/** The problem+json body of a kind: `type` is /problems/<slug>, `instance` the request's URL. */
export function problemBody(
  slug: ProblemSlug,
  detail?: string,
  errors?: FieldError[],
  instance?: string,
): Problem {
  const kind = PROBLEM_TYPES[slug];
  return {
    type: `/problems/${slug}`,
    title: kind.title,
    status: kind.status,
    ...(detail ? { detail } : {}),
    ...(instance ? { instance } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** One bad field, named as the client wrote it (`person.phone`) and as a JSON Pointer (`/person/phone`). */
export const fieldError = (field: string, detail: string): FieldError => ({
  field,
  pointer: field === '' ? '' : `/${field.split('.').join('/')}`,
  detail,
});

/**
 * What `run()` returns; an error of `FieldErrorClass` (one that names the bad field, e.g. @pronto/sla's
 * ReportParamError) becomes a 400 validation problem with `detail`, naming that field.
 */
export function withFieldProblems<T>(
  run: () => T,
  FieldErrorClass: abstract new (...args: never[]) => { field: string; message: string },
  detail: string,
): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FieldErrorClass)
      throw new ProblemError('validation-error', detail, [fieldError(error.field, error.message)]);
    throw error;
  }
}
