// The admin API (/v1/admin) as the pages call it: same-origin fetches with the console's session
// cookie (the browser adds Origin to writes), answers as data or as the problem+json they carry.

import { type Problem, problemOf, UNREACHABLE } from '@pronto/pages/browser';

export type { FieldError, Problem } from '@pronto/pages/browser';
export { problemText } from '@pronto/pages/browser';

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
    return { ok: false, status: 0, problem: UNREACHABLE };
  }
  if (response.status === 401) onSignedOut();
  if (response.ok) {
    const data = response.status === 204 ? undefined : await response.json();
    return { ok: true, status: response.status, data: data as T };
  }
  return { ok: false, status: response.status, problem: await problemOf(response) };
}

/** A path segment (a slug, a username, a key id). */
export const seg = (value: string) => encodeURIComponent(value);
