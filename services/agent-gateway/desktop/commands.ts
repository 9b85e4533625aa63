// The agent's commands: sent on the socket with a `ref`, settled by the gateway's ack or error
// (docs/agent-protocol.md "Desktop -> server"), one at a time.
import { el, FIELD_INPUTS, isShown } from './elements.ts';
import type { DesktopCommand, DesktopError, Disposition } from './protocol.ts';
import { render } from './render.ts';
import { app, attemptOf, type CommandType, serverNow, socketState } from './state.ts';
import { COMMAND_TEXT, savedText } from './text.ts';

const COMMAND_TIMEOUT_MS = 10_000;
const SAVED_VISIBLE_MS = 8_000;
const DNC_CONFIRM_MS = 6_000;

type CommandFields<Type extends CommandType> = Omit<Extract<DesktopCommand, { type: Type }>, 'type' | 'ref'>;

export function send<Type extends CommandType>(
  type: Type,
  fields: CommandFields<Type>,
  extra: { disposition?: Disposition } = {},
) {
  const socket = socketState.socket;
  if (!socket || socket.readyState !== WebSocket.OPEN || app.pending.size > 0) return;
  const ref = `c${app.nextRef++}`;
  const timer = setTimeout(() => noAnswer(ref), COMMAND_TIMEOUT_MS);
  app.pending.set(ref, { type, timer, ...extra });
  app.error = null;
  socket.send(JSON.stringify({ type, ref, ...fields }));
  render();
}

function noAnswer(ref: string) {
  const pending = app.pending.get(ref);
  if (!pending) return;
  app.pending.delete(ref);
  app.error = {
    title: `${COMMAND_TEXT[pending.type]} not confirmed`,
    detail: 'The server did not answer in time. Check the screen before trying again.',
  };
  render();
}

/** The gateway's answer to the command `ref`: an ack (error null) or its refusal. */
export function settleCommand(ref: string | undefined, error: DesktopError | null) {
  const pending = ref ? app.pending.get(ref) : undefined;
  if (ref && pending) {
    clearTimeout(pending.timer);
    app.pending.delete(ref);
  }
  if (error) {
    app.error = { title: error.title || 'Command refused', detail: error.detail ?? '' };
  } else if (pending?.disposition) {
    showSaved(savedText(pending.disposition));
  }
  render();
  // The gateway names the bad field; when it is one of the inputs, the agent can fix it right away.
  const input = error?.field ? FIELD_INPUTS[error.field] : undefined;
  if (input && isShown(input)) input.focus();
}

/** Commands in flight when the socket drops may or may not have reached the dispatcher. */
export function failPendingCommands() {
  for (const [ref, pending] of app.pending) {
    clearTimeout(pending.timer);
    app.pending.delete(ref);
    app.error = {
      title: `${COMMAND_TEXT[pending.type]} not confirmed`,
      detail: 'The connection dropped before the server answered. The screen updates when it is back.',
    };
  }
}

function showSaved(text: string) {
  app.saved = { text, until: Date.now() + SAVED_VISIBLE_MS };
}

function showLocalError(title: string, detail: string, focusTarget: HTMLElement) {
  app.error = { title, detail };
  render();
  focusTarget.focus();
}

export function sendAttemptCommand(type: 'accept' | 'reject' | 'hangup') {
  const attempt = attemptOf();
  if (attempt) send(type, { attemptId: attempt.attemptId });
}

export function sendDisposition(disposition: Disposition) {
  const attempt = attemptOf();
  if (!attempt) return;
  app.dncArmedUntil = 0;
  send('disposition', { attemptId: attempt.attemptId, disposition }, { disposition });
}

export function disposeSale() {
  const value = el.saleValue.valueAsNumber;
  if (!Number.isFinite(value) || value < 0) {
    showLocalError('Sale value needed', 'Enter the amount sold (0 or more), then press Sale.', el.saleValue);
    return;
  }
  const currency = attemptOf()?.lead.currency;
  sendDisposition(currency ? { code: 'sale', value, currency } : { code: 'sale', value });
}

export function disposeCallback() {
  const at = new Date(el.callbackAt.value);
  if (Number.isNaN(at.getTime())) {
    showLocalError('Callback time needed', 'Pick the date and time to call back.', el.callbackAt);
    return;
  }
  if (at.getTime() <= serverNow()) {
    showLocalError('Callback time is in the past', 'Pick a time later than now.', el.callbackAt);
    return;
  }
  sendDisposition({ code: 'callback', callbackAt: at.toISOString() });
}

/** Do not call is permanent for the tenant, so it takes a second click to confirm. */
export function disposeDoNotCall() {
  if (Date.now() < app.dncArmedUntil) {
    sendDisposition({ code: 'do_not_call' });
    return;
  }
  app.dncArmedUntil = Date.now() + DNC_CONFIRM_MS;
  render();
}

export function disposeOther() {
  const note = el.otherNote.value.trim();
  sendDisposition(note ? { code: 'other', note } : { code: 'other' });
}

export function pause(event: SubmitEvent) {
  event.preventDefault();
  send('pause', { reason: el.pauseReason.value });
}
