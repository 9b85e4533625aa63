// Agent groups: the list (how many agents, which campaigns), a new group, removing an unused one.
import { api, problemText, seg } from './api.ts';
import {
  button,
  clearErrors,
  fillTable,
  loaded,
  loading,
  notice,
  pageError,
  row,
  showProblem,
} from './dom.ts';
import { type Group, state, tenantPath } from './state.ts';

const form = document.querySelector('#group-form') as HTMLFormElement;

/** The tenant's groups (the campaign form and the agent forms offer them). */
export async function fetchGroups(): Promise<Group[]> {
  const answer = await api<{ items: Group[] }>('GET', `${tenantPath()}/groups`);
  if (answer.ok) return answer.data.items;
  pageError(problemText(answer.problem));
  return [];
}

export async function showGroups() {
  loading('groups');
  const groups = await fetchGroups();
  loaded('groups');
  fillTable(
    'groups',
    groups.map((group) =>
      row(
        group.name,
        group.displayName,
        group.agents,
        group.campaigns.join(', ') || '—',
        button('Delete', `group-delete-${group.name}`, async () => {
          if (!confirm(`Delete group ${group.name}?`)) return;
          const answer = await api('DELETE', `${tenantPath()}/groups/${seg(group.name)}`);
          if (!answer.ok) return pageError(problemText(answer.problem));
          notice(`Group ${group.name} deleted.`);
          await showGroups();
        }),
      ),
    ),
  );
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const name = String(data.get('name') ?? '').trim();
  const displayName = String(data.get('displayName') ?? '').trim();
  if (!name)
    return showProblem(form, { status: 400, errors: [{ field: 'name', detail: 'A group needs a name' }] });
  const answer = await api<{ name: string }>(
    'PUT',
    `${tenantPath()}/groups/${seg(name)}`,
    displayName ? { displayName } : {},
  );
  if (!answer.ok) return showProblem(form, answer.problem);
  clearErrors(form);
  form.reset();
  notice(answer.status === 201 ? `Group ${name} added to ${state.tenant}.` : `Group ${name} updated.`);
  await showGroups();
});
