// The campaign form's calling windows: one row per window (days, from, to), each input named as the
// API names it (`callingWindows.<i>.to`) so a problem's message lands beside it.
import { el } from './dom.ts';

export interface CallingWindow {
  days: number[];
  from: string;
  to: string;
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const box = document.querySelector('#windows') as HTMLElement;

/** Replaces the rows with `windows`. */
export function setWindows(windows: CallingWindow[]) {
  box.replaceChildren();
  for (const window of windows) addWindow(window);
  if (windows.length === 0) renumber();
}

/** Adds a row (a weekday window by default) and puts the focus in it when asked. */
export function addWindow(
  window: CallingWindow = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' },
  focus = false,
) {
  const days = el('fieldset', { class: 'days' }, el('legend', {}, 'Days'));
  DAY_NAMES.forEach((name, index) => {
    days.append(
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'checkbox', value: String(index + 1), checked: window.days.includes(index + 1) }),
        ` ${name}`,
      ),
    );
  });
  const from = el('input', { class: 'time', value: window.from, placeholder: 'HH:MM', inputmode: 'numeric' });
  const to = el('input', { class: 'time', value: window.to, placeholder: 'HH:MM', inputmode: 'numeric' });
  const remove = el('button', { type: 'button', class: 'remove' }, 'Remove');
  const line = el(
    'div',
    { class: 'window' },
    days,
    el('label', {}, 'From ', from),
    el('label', {}, 'To ', to),
    remove,
    el('span', { class: 'field-error', 'data-slot': 'days' }),
    el('span', { class: 'field-error', 'data-slot': 'from' }),
    el('span', { class: 'field-error', 'data-slot': 'to' }),
    el('span', { class: 'field-error', 'data-slot': '' }),
  );
  remove.addEventListener('click', () => {
    line.remove();
    renumber();
  });
  box.append(line);
  renumber();
  if (focus) from.focus();
}

/** Names every row's inputs and error slots after its position, as the API's fields. */
function renumber() {
  [...box.querySelectorAll<HTMLElement>('.window')].forEach((line, index) => {
    const field = `callingWindows.${index}`;
    line.dataset.testid = `window-${index}`;
    const [from, to] = line.querySelectorAll<HTMLInputElement>('input.time');
    from?.setAttribute('data-field', `${field}.from`);
    from?.setAttribute('data-testid', `window-${index}-from`);
    to?.setAttribute('data-field', `${field}.to`);
    to?.setAttribute('data-testid', `window-${index}-to`);
    line.querySelector('fieldset')?.setAttribute('data-field', `${field}.days`);
    for (const slot of line.querySelectorAll<HTMLElement>('[data-slot]')) {
      const name = slot.dataset.slot ? `${field}.${slot.dataset.slot}` : field;
      slot.setAttribute('data-error-for', name);
      slot.setAttribute('data-testid', `error-${name}`);
    }
    line.querySelector('.remove')?.setAttribute('aria-label', `Remove window ${index + 1}`);
  });
}

/** The rows as the API takes them. */
export function readWindows(): CallingWindow[] {
  return [...box.querySelectorAll<HTMLElement>('.window')].map((line) => {
    const [from, to] = line.querySelectorAll<HTMLInputElement>('input.time');
    return {
      days: [...line.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')].map((day) =>
        Number(day.value),
      ),
      from: from?.value.trim() ?? '',
      to: to?.value.trim() ?? '',
    };
  });
}
