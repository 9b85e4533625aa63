// Helpers shared by the pages' browser code (the agent desktop and the manager dashboard). Browser
// only: type-checked by tsconfig.browser.json, bundled into each page by bundlePage.
import type { AgentState } from '@pronto/contracts';

/** The element a test (and the page's own code) knows by its `data-testid`. */
export function byTestId<Element extends HTMLElement = HTMLElement>(id: string): Element {
  return document.querySelector(`[data-testid="${id}"]`) as Element;
}

/** An agent's state in words, as the desktop and the dashboard both show it. */
export const AGENT_STATE_LABELS: Record<AgentState, string> = {
  offline: 'Offline',
  available: 'Available',
  offered: 'Offered',
  dialing: 'Dialing',
  on_call: 'On call',
  wrap_up: 'Wrap-up',
  paused: 'Paused',
};

/** The first element the selector finds, typed as the caller expects it. */
export function $<Element extends HTMLElement = HTMLElement>(selector: string): Element {
  return document.querySelector(selector) as Element;
}

/** Who is signed in to the console, as GET /manager/session names them. */
export interface SignedInManager {
  displayName: string;
  role?: string;
}

/** One of a problem's field errors: `field` as the request named it (`callingWindows.0.to`). */
export interface FieldError {
  field: string;
  detail: string;
}

/** An RFC 9457 problem as the pages show it. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: FieldError[];
}

/** The problem an answer carries, or one made of its status line when its body is not one. */
export async function problemOf(response: Response): Promise<Problem> {
  try {
    return { ...((await response.json()) as Problem), status: response.status };
  } catch {
    return { status: response.status, title: `${response.status} ${response.statusText}` };
  }
}

/** The problem of a request that never got an answer. */
export const UNREACHABLE: Problem = { status: 0, title: 'Pronto could not be reached; try again' };

/** A problem in one line, for a place that has no inputs to point at. */
export function problemText(problem: Problem): string {
  const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.detail}`).join('; ');
  return [problem.detail ?? problem.title, fields].filter(Boolean).join(' — ');
}
