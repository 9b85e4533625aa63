// The audit log: who changed what, newest first, with filters and older pages by cursor.
import { api } from './api.ts';
import { clearErrors, el, fillTable, loaded, loading, row, showProblem, when } from './dom.ts';
import { state } from './state.ts';

/** One row of the log: who (actor, role) did what (action) to which resource, and its values. */
type AuditEntry = Record<
  'id' | 'at' | 'actor' | 'actorRole' | 'action' | 'resourceType' | 'resourceId',
  string
> & {
  tenant: string | null;
  before: unknown;
  after: unknown;
};

const form = document.querySelector('#audit-form') as HTMLFormElement;
const more = document.querySelector('#audit-more') as HTMLButtonElement;
let rows: HTMLTableRowElement[] = [];
let cursor: string | null = null;

/** The filters as the API's query; datetime-local inputs are read as UTC. */
function query(): string {
  const data = new FormData(form);
  const params = new URLSearchParams();
  // An admin may read the whole installation's log; a manager's is its tenant's anyway.
  const everyTenant = state.role === 'admin' && data.get('everyTenant') === 'on';
  if (state.tenant && !everyTenant) params.set('tenant', state.tenant);
  for (const name of ['action', 'resourceType', 'resourceId', 'actor', 'limit']) {
    const value = String(data.get(name) ?? '').trim();
    if (value) params.set(name, value);
  }
  for (const name of ['since', 'until']) {
    const value = String(data.get(name) ?? '').trim();
    if (value) params.set(name, `${value.length === 16 ? `${value}:00` : value}Z`);
  }
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

export async function showAudit(next = false) {
  (document.querySelector('#audit-every-tenant') as HTMLElement).hidden = state.role !== 'admin';
  if (!next) {
    cursor = null;
    rows = [];
    loading('audit');
  }
  const answer = await api<{ items: AuditEntry[]; nextCursor: string | null }>('GET', `/audit?${query()}`);
  loaded('audit');
  if (!answer.ok) {
    fillTable('audit', rows);
    return showProblem(form, answer.problem);
  }
  clearErrors(form);
  rows = [...rows, ...answer.data.items.map(entryRow)];
  cursor = answer.data.nextCursor;
  more.hidden = cursor === null;
  fillTable('audit', rows);
}

function entryRow(entry: AuditEntry) {
  return row(
    when(entry.at),
    entry.tenant ?? '—',
    entry.actor,
    entry.action,
    `${entry.resourceType} ${entry.resourceId}`,
    el('code', { class: 'change' }, change(entry.before, entry.after)),
  );
}

/** What changed, in one line: the fields whose values differ, before → after. */
function change(before: unknown, after: unknown): string {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  if (before === null || before === undefined)
    return after === null ? '' : `created ${JSON.stringify(after)}`;
  if (after === null || after === undefined) return `removed ${JSON.stringify(before)}`;
  const names = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return names
    .filter((name) => JSON.stringify(b[name]) !== JSON.stringify(a[name]))
    .map((name) => `${name}: ${JSON.stringify(b[name])} → ${JSON.stringify(a[name])}`)
    .join('; ');
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  showAudit();
});
more.addEventListener('click', () => showAudit(true));
