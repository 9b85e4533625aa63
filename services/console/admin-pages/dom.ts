// Small DOM helpers: elements built with textContent only (never markup from data), page-wide
// messages, and a problem's field errors shown beside the inputs they name.
import { byTestId, clearErrors, showProblem as showFormProblem } from '@pronto/pages/browser';
import { type Answer, type Problem, problemText } from './api.ts';

type Child = Node | string | null | undefined | false;

/** An element with attributes (`testid` becomes data-testid) and children (strings as text). */
export function el<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    const attribute = name === 'testid' ? 'data-testid' : name;
    element.setAttribute(attribute, value === true ? '' : value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * A button that runs `action` on click, disabled while it runs (no double submits). `subject` names
 * what it acts on for a screen reader ("Edit nina.nowak"), where a table has many of the same label.
 */
export function button(label: string, testid: string, action: () => Promise<void> | void, subject?: string) {
  const element = el('button', { type: 'button', testid, 'aria-label': subject && `${label} ${subject}` });
  element.textContent = label;
  element.addEventListener('click', async () => {
    element.disabled = true;
    try {
      await action();
    } finally {
      element.disabled = false;
    }
  });
  return element;
}

/** A table's rows replaced; the empty state shown when there are none. */
export function fillTable(testid: string, rows: HTMLTableRowElement[]) {
  const table = byTestId<HTMLTableElement>(testid);
  const body = table.tBodies[0] as HTMLTableSectionElement;
  body.replaceChildren(...rows);
  table.hidden = rows.length === 0;
  const empty = byTestId(`${testid}-empty`);
  if (empty) empty.hidden = rows.length > 0;
}

/** A list that could not be read: no table, no empty state (it is not known to be empty), the problem. */
export function listFailed(testid: string, problem: Problem) {
  byTestId(testid).hidden = true;
  const empty = byTestId(`${testid}-empty`);
  if (empty) empty.hidden = true;
  pageError(problemText(problem));
}

/** A table row of text cells; a Node cell (buttons) goes in as it is. */
export function row(...cells: (string | number | Node | null | undefined)[]) {
  return el(
    'tr',
    {},
    ...cells.map((cell) => el('td', {}, cell instanceof Node ? cell : String(cell ?? '—'))),
  );
}

/** The page-wide error line (a list that failed to load, an action refused); empty clears it. */
export function pageError(text: string) {
  byTestId('page-error').textContent = text;
}

/** The page-wide notice line (what just happened). */
export function notice(text: string) {
  byTestId('page-notice').textContent = text;
}

/** A list's loading state, in its table's empty line. */
export function loading(testid: string) {
  const empty = byTestId(`${testid}-empty`);
  byTestId(testid).hidden = true;
  if (!empty) return;
  empty.dataset.text ??= empty.textContent ?? '';
  empty.textContent = 'Loading…';
  empty.hidden = false;
}

/** Puts a list's empty-state text back after loading. */
export function loaded(testid: string) {
  const empty = byTestId(`${testid}-empty`);
  if (empty?.dataset.text !== undefined) empty.textContent = empty.dataset.text;
}

export { clearErrors };

/** A problem shown on a form, beside its inputs; what fits nowhere goes to the page's error line. */
export function showProblem(form: HTMLElement, problem: Problem) {
  showFormProblem(form, problem, pageError);
}

/** A dialog's Cancel buttons ([data-close]) close it. */
export function closable(dialog: HTMLDialogElement) {
  for (const close of dialog.querySelectorAll<HTMLElement>('[data-close]')) {
    close.addEventListener('click', () => dialog.close());
  }
}

/** An ISO time as "2026-03-29 14:05" UTC; a dash for none. */
export const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

/** "a, b, c" → ['a', 'b', 'c'] (empty items dropped). */
export const listOf = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);

/** A form input's text, trimmed. */
export const textOf = (data: FormData, name: string) => String(data.get(name) ?? '').trim();

/**
 * A form that sends what it holds: the API's problem is shown on it (field errors beside their
 * inputs); once accepted it is emptied and `done` gets the answer. Its submit button is disabled
 * while the request is out, so a double press sends once.
 */
export function submits<T>(
  form: HTMLFormElement,
  send: (data: FormData) => Promise<Answer<T>>,
  done: (data: T, status: number) => Promise<void> | void,
) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (submit) submit.disabled = true;
    try {
      const answer = await send(new FormData(form));
      if (!answer.ok) return showProblem(form, answer.problem);
      clearErrors(form);
      form.reset();
      await done(answer.data, answer.status);
    } finally {
      if (submit) submit.disabled = false;
    }
  });
}

/** A refusal made here, before asking the API, in the API's shape (a field error). */
export const refused = (field: string, detail: string): Answer<never> => ({
  ok: false,
  status: 400,
  problem: { status: 400, errors: [{ field, detail }] },
});
