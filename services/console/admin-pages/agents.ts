// Agents: the list, a new agent (with a password), and per agent: edit (name, phone, groups,
// languages), disable or enable, a new password.
import { AGENT_STATE_LABELS } from '@pronto/pages/browser';
import type { AgentView as Agent } from '../src/admin/agent-rows.ts';
import { api, problemText, seg } from './api.ts';
import {
  button,
  clearErrors,
  closable,
  el,
  fillTable,
  listFailed,
  listOf,
  loaded,
  loading,
  notice,
  pageError,
  row,
  submits,
  textOf,
} from './dom.ts';
import { chosenGroups, groupChoices } from './group-choices.ts';
import { fetchGroups } from './groups.ts';
import { type Group, tenantPath } from './state.ts';

const form = document.querySelector('#agent-form') as HTMLFormElement;
const editDialog = document.querySelector('#agent-dialog') as HTMLDialogElement;
const editForm = document.querySelector('#agent-edit-form') as HTMLFormElement;
const passwordDialog = document.querySelector('#password-dialog') as HTMLDialogElement;
const passwordForm = document.querySelector('#password-form') as HTMLFormElement;
closable(editDialog);
closable(passwordDialog);

let groups: Group[] = [];
/** The agent the open dialog is about. */
let current: Agent | undefined;

const agentPath = (agent: Agent) => `${tenantPath()}/agents/${seg(agent.username)}`;

export async function showAgents() {
  loading('agents');
  const [answer, tenantGroups] = await Promise.all([
    api<{ items: Agent[] }>('GET', `${tenantPath()}/agents`),
    fetchGroups(),
  ]);
  loaded('agents');
  groups = tenantGroups;
  groupChoices(form, groups, [], 'agent');
  if (!answer.ok) {
    return listFailed('agents', answer.problem);
  }
  fillTable('agents', answer.data.items.map(agentRow));
}

function agentRow(agent: Agent) {
  const tr = row(
    agent.username,
    agent.displayName,
    agent.sipEndpoint ?? '—',
    agent.groups.join(', ') || '—',
    agent.languages.join(', ') || '—',
    agent.disabled
      ? 'Disabled'
      : (AGENT_STATE_LABELS[agent.state as keyof typeof AGENT_STATE_LABELS] ?? agent.state),
    el(
      'span',
      { class: 'row-actions' },
      button('Edit', `agent-edit-${agent.username}`, () => openEdit(agent), agent.username),
      button(
        agent.disabled ? 'Enable' : 'Disable',
        `agent-toggle-${agent.username}`,
        async () => {
          const answer = await api<Agent>('PATCH', agentPath(agent), { disabled: !agent.disabled });
          if (!answer.ok) return pageError(problemText(answer.problem));
          await showAgents();
          notice(
            `${agent.username} ${answer.data.disabled ? 'disabled: offered nothing more, signed out' : 'enabled'}.`,
          );
        },
        agent.username,
      ),
      button(
        'Reset password',
        `agent-password-${agent.username}`,
        () => {
          current = agent;
          passwordForm.reset();
          clearErrors(passwordForm);
          passwordDialog.showModal();
        },
        agent.username,
      ),
    ),
  );
  tr.dataset.testid = `agent-row-${agent.username}`;
  return tr;
}

function openEdit(agent: Agent) {
  current = agent;
  clearErrors(editForm);
  (editDialog.querySelector('h2') as HTMLElement).textContent = `Agent ${agent.username}`;
  (editForm.elements.namedItem('displayName') as HTMLInputElement).value = agent.displayName;
  (editForm.elements.namedItem('sipEndpoint') as HTMLInputElement).value = agent.sipEndpoint ?? '';
  (editForm.elements.namedItem('languages') as HTMLInputElement).value = agent.languages.join(', ');
  groupChoices(editForm, groups, agent.groups, 'agent-edit');
  editDialog.showModal();
}

submits(
  form,
  (data) => {
    const sipEndpoint = textOf(data, 'sipEndpoint');
    return api<Agent>('POST', `${tenantPath()}/agents`, {
      username: textOf(data, 'username'),
      displayName: textOf(data, 'displayName'),
      password: String(data.get('password') ?? ''),
      ...(sipEndpoint ? { sipEndpoint } : {}),
      groups: chosenGroups(form),
      languages: listOf(textOf(data, 'languages')),
    });
  },
  async (agent) => {
    await showAgents();
    notice(`Agent ${agent.username} added; they sign in at /agent with that password.`);
  },
);

submits(
  editForm,
  (data) =>
    api<Agent>('PATCH', agentPath(current as Agent), {
      displayName: textOf(data, 'displayName'),
      sipEndpoint: textOf(data, 'sipEndpoint') || null,
      groups: chosenGroups(editForm),
      languages: listOf(textOf(data, 'languages')),
    }),
  async (agent) => {
    editDialog.close();
    await showAgents();
    notice(`Agent ${agent.username} saved.`);
  },
);

submits(
  passwordForm,
  (data) =>
    api('POST', `${agentPath(current as Agent)}/password`, { password: String(data.get('password') ?? '') }),
  () => {
    passwordDialog.close();
    notice(`New password set for ${current?.username}; their sessions have ended.`);
  },
);
