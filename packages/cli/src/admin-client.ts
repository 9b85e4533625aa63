import type { Problem } from '@pronto/contracts';
import { signatureHeaders } from '@pronto/signature';

export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Where the admin API is and the operator key that signs for it. */
export interface Credentials {
  url: string;
  keyId: string;
  secret: string;
}

export interface AdminClient {
  readonly url: string;
  /** The answer's JSON (undefined for 204); throws AdminApiError for any other answer, UnreachableError for none. */
  call<T = unknown>(method: AdminMethod, path: string, body?: unknown): Promise<T>;
}

const TIMEOUT_MS = 30_000;

/** Pronto answered, and not with success; `problem` is its RFC 9457 body (absent when a proxy answered). */
export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${problem.title}: ${problem.detail ?? ''}` : `HTTP ${status}`);
  }

  /** The names of the fields Pronto refused (slaSeconds, agents.3.password ...). */
  get fields(): string[] {
    return this.problem?.errors?.map((error) => error.field) ?? [];
  }
}

/** Nothing answered at `url` (refused, reset, timed out). */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`Cannot reach Pronto at ${url}: ${rootCause(cause)}`);
  }
}

/** fetch says only "fetch failed"; ECONNREFUSED or the timeout is further down its causes. */
function rootCause(error: unknown): string {
  let deepest = error;
  while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
  return deepest instanceof Error ? deepest.message : String(deepest);
}

/**
 * Signed calls to /v1/admin. A write is taken once per signature, and a signature covers the second:
 * the same write signed in the same second as a moment ago (a command run twice in a row) answers
 * 409 replayed-request, so it is signed again in the next second, once.
 */
export function createAdminClient(credentials: Credentials, clock: () => number = Date.now): AdminClient {
  const origin = new URL(credentials.url).href.replace(/\/+$/, '');

  async function send(method: AdminMethod, path: string, text: string, timestamp: number) {
    const headers: Record<string, string> = {
      ...signatureHeaders(credentials.keyId, credentials.secret, {
        timestamp,
        method,
        pathWithQuery: path,
        body: text,
      }),
      accept: 'application/json',
      ...(text ? { 'content-type': 'application/json' } : {}),
    };
    try {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers,
        ...(text ? { body: text } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return { status: response.status, raw: await response.text() };
    } catch (error) {
      throw new UnreachableError(origin, error);
    }
  }

  return {
    url: origin,
    async call<T>(method: AdminMethod, path: string, body?: unknown): Promise<T> {
      const text = body === undefined ? '' : JSON.stringify(body);
      let timestamp = Math.floor(clock() / 1000);
      let answer = await send(method, `/v1/admin${path}`, text, timestamp);
      if (answer.status === 409 && problemOf(answer.raw)?.type?.endsWith('replayed-request')) {
        timestamp += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, timestamp * 1000 - clock())));
        answer = await send(method, `/v1/admin${path}`, text, timestamp);
      }
      if (answer.status >= 200 && answer.status < 300) {
        return (answer.raw ? JSON.parse(answer.raw) : undefined) as T;
      }
      throw new AdminApiError(answer.status, problemOf(answer.raw));
    },
  };
}

function problemOf(raw: string): Problem | undefined {
  try {
    const json = JSON.parse(raw) as Partial<Problem>;
    return typeof json.title === 'string' && typeof json.status === 'number' ? (json as Problem) : undefined;
  } catch {
    return undefined;
  }
}

/** A path segment: slugs and usernames are plain, but a typo with a slash must not reach another route. */
export const seg = (value: string) => encodeURIComponent(value);
