// The admin API (/v1/admin) as the pages call it: same-origin fetches with the console's session
// cookie (the browser adds Origin to writes), answers as data or as the problem+json they carry.

/** One of a problem's field errors: `field` as the request named it (`callingWindows.0.to`). */
export interface FieldError {
  field: string;
  detail: string;
}

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: FieldError[];
}

export type Answer<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; problem: Problem };

/** Called when an answer is 401: the session has ended (signed out, expired, account disabled). */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void) {
  onSignedOut = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(`/v1/admin${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return { ok: false, status: 0, problem: { status: 0, title: 'Pronto could not be reached; try again' } };
  }
  if (response.status === 401) onSignedOut();
  if (response.ok) {
    const data = response.status === 204 ? undefined : await response.json();
    return { ok: true, status: response.status, data: data as T };
  }
  let problem: Problem = { status: response.status, title: `${response.status} ${response.statusText}` };
  try {
    problem = { ...((await response.json()) as Problem), status: response.status };
  } catch {}
  return { ok: false, status: response.status, problem };
}

/** A problem in one line, for a place that has no inputs to point at. */
export function problemText(problem: Problem): string {
  const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.detail}`).join('; ');
  return [problem.detail ?? problem.title, fields].filter(Boolean).join(' — ');
}

/** A path segment (a slug, a username, a key id). */
export const seg = (value: string) => encodeURIComponent(value);
