// Agent groups: the list (how many agents, which campaigns), a new group, removing an unused one.
import { api, problemText, seg } from './api.ts';
import {
  button,
  fillTable,
  loaded,
  loading,
  notice,
  pageError,
  refused,
  row,
  submits,
  textOf,
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
        button(
          'Delete',
          `group-delete-${group.name}`,
          async () => {
            if (!confirm(`Delete group ${group.name}?`)) return;
            const answer = await api('DELETE', `${tenantPath()}/groups/${seg(group.name)}`);
            if (!answer.ok) return pageError(problemText(answer.problem));
            await showGroups();
            notice(`Group ${group.name} deleted.`);
          },
          group.name,
        ),
      ),
    ),
  );
}

submits(
  form,
  (data) => {
    const name = textOf(data, 'name');
    const displayName = textOf(data, 'displayName');
    if (!name) return Promise.resolve(refused('name', 'A group needs a name'));
    return api<{ name: string }>(
      'PUT',
      `${tenantPath()}/groups/${seg(name)}`,
      displayName ? { displayName } : {},
    );
  },
  async (group, status) => {
    await showGroups();
    notice(status === 201 ? `Group ${group.name} added to ${state.tenant}.` : `Group ${group.name} updated.`);
  },
);
