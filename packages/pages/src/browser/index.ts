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

/** Removes a form's field errors ([data-error-for] slots, aria-invalid inputs) and its form-level error. */
export function clearErrors(form: HTMLElement) {
  for (const slot of form.querySelectorAll<HTMLElement>('[data-error-for]')) slot.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const formError = form.querySelector<HTMLElement>('[data-form-error]');
  if (formError) formError.textContent = '';
}

/** The element for a field (`callingWindows.0.to`), else for the nearest enclosing one (`callingWindows.0`). */
function nearest(form: HTMLElement, attribute: string, field: string): HTMLElement | undefined {
  const parts = field.split('.');
  while (parts.length > 0) {
    const found = form.querySelector<HTMLElement>(`[${attribute}="${CSS.escape(parts.join('.'))}"]`);
    if (found) return found;
    parts.pop();
  }
  return undefined;
}

/**
 * A problem shown on a form: each field error beside the input it names ([data-error-for] slot,
 * [data-field] input), or beside the nearest enclosing one; what fits nowhere, and the problem's
 * detail, in the form's [data-form-error] line, or given to `elsewhere` when the form has none.
 * The first named input takes the focus.
 */
export function showProblem(form: HTMLElement, problem: Problem, elsewhere?: (text: string) => void) {
  clearErrors(form);
  const unplaced: string[] = [];
  let first: HTMLElement | undefined;
  for (const error of problem.errors ?? []) {
    const slot = nearest(form, 'data-error-for', error.field);
    if (!slot) {
      unplaced.push(`${error.field}: ${error.detail}`);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent}; ${error.detail}` : error.detail;
    const input = nearest(form, 'data-field', error.field);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  const formError = form.querySelector<HTMLElement>('[data-form-error]');
  const summary = problem.errors?.length ? (problem.detail ?? problem.title) : problemText(problem);
  const text = [summary, ...unplaced].filter(Boolean).join(' — ');
  if (formError) formError.textContent = text;
  else elsewhere?.(text);
  first?.focus();
}
