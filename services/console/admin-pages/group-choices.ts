// The tenant's groups as checkboxes (the agent forms): which ones an agent belongs to.
import { el } from './dom.ts';
import type { Group } from './state.ts';

/** Fills a form's [data-group-choices] with one labelled checkbox per group, `chosen` ticked. */
export function groupChoices(form: HTMLElement, groups: Group[], chosen: string[], prefix: string) {
  const box = form.querySelector('[data-group-choices]') as HTMLElement;
  box.replaceChildren(
    ...groups.map((group) =>
      el(
        'label',
        { class: 'check' },
        el('input', {
          type: 'checkbox',
          name: 'groups',
          value: group.name,
          checked: chosen.includes(group.name),
          testid: `${prefix}-group-${group.name}`,
        }),
        ` ${group.displayName || group.name}`,
      ),
    ),
  );
  if (groups.length === 0) box.append(el('p', { class: 'empty' }, 'No groups yet (Groups page).'));
}

/** The ticked groups. */
export const chosenGroups = (form: HTMLElement) =>
  [...form.querySelectorAll<HTMLInputElement>('input[name="groups"]:checked')].map((input) => input.value);
