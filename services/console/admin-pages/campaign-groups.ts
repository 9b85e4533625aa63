// The campaign form's agent groups, in overflow order: the first group is offered a lead first,
// the next after the overflow threshold. Reordered with Up/Down buttons (keyboard-friendly).
import { el } from './dom.ts';
import type { Group } from './state.ts';

const list = document.querySelector('#campaign-groups') as HTMLOListElement;
const pick = document.querySelector('#campaign-group-pick') as HTMLSelectElement;
const empty = document.querySelector('[data-testid="campaign-groups-empty"]') as HTMLElement;
let known: Group[] = [];
let chosen: string[] = [];

/** The tenant's groups to pick from and the campaign's own, in order. */
export function setCampaignGroups(groups: Group[], order: string[]) {
  known = groups;
  chosen = [...order];
  draw();
}

export const readCampaignGroups = () => [...chosen];

function move(index: number, by: number) {
  const target = index + by;
  if (target < 0 || target >= chosen.length) return;
  [chosen[index], chosen[target]] = [chosen[target] as string, chosen[index] as string];
  draw();
  list.querySelectorAll<HTMLButtonElement>(`button[data-move="${by}"]`)[target]?.focus();
}

function draw() {
  list.replaceChildren(
    ...chosen.map((name, index) => {
      const up = el('button', { type: 'button', 'data-move': '-1', 'aria-label': `Move ${name} up` }, '↑');
      const down = el('button', { type: 'button', 'data-move': '1', 'aria-label': `Move ${name} down` }, '↓');
      const remove = el('button', { type: 'button', 'aria-label': `Remove ${name}` }, 'Remove');
      up.disabled = index === 0;
      down.disabled = index === chosen.length - 1;
      up.addEventListener('click', () => move(index, -1));
      down.addEventListener('click', () => move(index, 1));
      remove.addEventListener('click', () => {
        chosen.splice(index, 1);
        draw();
      });
      const display = known.find((group) => group.name === name)?.displayName;
      return el(
        'li',
        { 'data-field': `agentGroups.${index}`, testid: `campaign-group-${name}` },
        el('span', {}, display && display !== name ? `${display} (${name})` : name),
        up,
        down,
        remove,
        el('span', { class: 'field-error', 'data-error-for': `agentGroups.${index}` }),
      );
    }),
  );
  empty.hidden = chosen.length > 0;
  const left = known.filter((group) => !chosen.includes(group.name));
  pick.replaceChildren(
    ...left.map((group) => {
      const option = el('option', { value: group.name });
      option.textContent = group.displayName || group.name;
      return option;
    }),
  );
  pick.disabled = left.length === 0;
  (document.querySelector('#campaign-group-add') as HTMLButtonElement).disabled = left.length === 0;
}

document.querySelector('#campaign-group-add')?.addEventListener('click', () => {
  if (!pick.value) return;
  chosen.push(pick.value);
  draw();
  pick.focus();
});
