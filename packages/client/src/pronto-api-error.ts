import type { Problem } from '@pronto/contracts';

/**
 * Pronto answered, and not with success: either an answer that sending again cannot change (400, 401,
 * 404, 409, 413, 500), or the last of several 429/502/503/504 answers after every retry was used.
 */
export class ProntoApiError extends Error {
  constructor(
    readonly status: number,
    /** The RFC 9457 body, when Pronto (not a proxy in front of it) answered. */
    readonly problem: Problem | undefined,
    /** Requests made in all, the first one included. */
    readonly attempts: number,
  ) {
    super(describe(status, problem, attempts));
    this.name = 'ProntoApiError';
  }

  /** Dotted names of the fields Pronto refused (person.phone, campaign ...); empty when none. */
  get fields(): string[] {
    return this.problem?.errors?.map((error) => error.field) ?? [];
  }
}

/** No answer at all (refused, reset, timed out, or an unreadable success) after every attempt. */
export class ProntoNetworkError extends Error {
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(
      `Pronto could not be reached (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}): ${rootMessage(cause)}`,
    );
    this.name = 'ProntoNetworkError';
  }
}

/** The problem as a reader wants it, e.g. 400 The request has invalid fields [person.phone: ...]. */
function describe(status: number, problem: Problem | undefined, attempts: number): string {
  const fields = problem?.errors?.map((error) => `${error.field || '(body)'}: ${error.detail}`).join('; ');
  return [
    `Pronto answered ${status}`,
    problem ? `: ${problem.title}` : '',
    problem?.detail ? ` (${problem.detail})` : '',
    fields ? ` [${fields}]` : '',
    attempts > 1 ? `, after ${attempts} attempts` : '',
  ].join('');
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, a timeout) is further down the causes. */
function rootMessage(error: unknown): string {
  const messages: string[] = [];
  for (let e = error; e instanceof Error && messages.length < 4; e = e.cause) messages.push(e.message);
  return messages.length > 0 ? messages.join(': ') : String(error);
}
