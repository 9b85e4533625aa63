// Getting the agent's attention: the ring and the flashing title while a lead is offered, and the
// focus on the next step when what had it disappears.
import { el, isShown } from './elements.ts';
import { startRinging, stopRinging } from './sound.ts';
import { app, attemptOf, holdsLead, isOnline, needsDisposition } from './state.ts';
import { APP_TITLE, stateLabel } from './text.ts';

let titleTimer: ReturnType<typeof setInterval> | 0 = 0;

// The ring stops as soon as the agent answers the offer, without waiting for the server's update.
const isRinging = () => isOnline() && app.pending.size === 0 && attemptOf()?.stage === 'offered';

export function syncRinging() {
  if (isRinging()) startRinging();
  else stopRinging();
}

export function syncTitle() {
  if (isRinging()) {
    if (!titleTimer) {
      let flip = false;
      const flash = () => {
        flip = !flip;
        document.title = flip ? '● Incoming lead' : `Incoming lead · ${APP_TITLE}`;
      };
      flash();
      titleTimer = setInterval(flash, 1000);
    }
    return;
  }
  stopTitleFlash();
  document.title = app.snapshot ? `${stateLabel(app.snapshot)} · ${APP_TITLE}` : APP_TITLE;
}

export function stopTitleFlash() {
  clearInterval(titleTimer);
  titleTimer = 0;
}

/** When what had focus disappears (an accepted offer, a finished call), focus lands on the next step. */
export function keepFocus() {
  const active = document.activeElement;
  const resting = !active || active === document.body || active === el.workspace;
  if (!resting && isShown(active) && !(active as HTMLButtonElement).disabled) return;
  const attempt = holdsLead(app.snapshot) ? attemptOf() : null;
  let target: HTMLElement = el.workspace;
  if (app.connection === 'replaced') target = el.reconnectHere;
  else if (attempt?.stage === 'offered') target = el.accept;
  else if (attempt && isShown(el.hangup)) target = el.hangup;
  else if (attempt && needsDisposition(attempt)) target = el.dispoSale;
  else if (app.snapshot?.state === 'paused') target = el.resume;
  // A disabled button cannot take focus; the workspace keeps shortcuts working meanwhile.
  if ((target as HTMLButtonElement).disabled) target = el.workspace;
  if (active !== target) target.focus({ preventScroll: target === el.workspace });
}
