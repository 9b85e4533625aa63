// Keyboard shortcuts: A or Enter accepts, R rejects, H hangs up, 1-6 record the outcome.
import { disposeSale } from './commands.ts';
import { el, isShown, isTyping } from './elements.ts';
import { render } from './render.ts';
import { app } from './state.ts';

const SHORTCUTS: Record<string, () => HTMLButtonElement> = {
  a: () => el.accept,
  enter: () => el.accept,
  r: () => el.reject,
  h: () => el.hangup,
  1: () => el.dispoSale,
  2: () => el.dispoNotInterested,
  3: () => el.dispoCallback,
  4: () => el.dispoWrongPerson,
  5: () => el.dispoDnc,
  6: () => el.dispoOther,
};

export function onKeydown(event: KeyboardEvent) {
  if (el.desktop.hidden || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key.toLowerCase();
  if (event.target === el.saleValue && key === 'enter') {
    event.preventDefault();
    if (!el.dispoSale.disabled) disposeSale();
    return;
  }
  if (isTyping(event.target) || event.repeat) return;
  if (key === 'escape' && app.dncArmedUntil) {
    app.dncArmedUntil = 0;
    render();
    return;
  }
  // Enter on a focused button or link activates that element, not the Accept shortcut.
  if (key === 'enter' && event.target instanceof HTMLElement && event.target.matches('button, a, summary'))
    return;
  const button = SHORTCUTS[key]?.();
  if (!button || !isShown(button) || button.disabled) return;
  event.preventDefault();
  button.click();
}
