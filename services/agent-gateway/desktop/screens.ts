// The desktop's two screens: sign-in, and the desktop itself with everything it runs.
import { stopTitleFlash } from './attention.ts';
import { closeSocket, connect } from './connection.ts';
import { el } from './elements.ts';
import type { DesktopAgent } from './protocol.ts';
import { render, tick } from './render.ts';
import { deleteSession, postSession, readProblem } from './session-api.ts';
import { stopRinging } from './sound.ts';
import { app, socketState } from './state.ts';
import { APP_TITLE } from './text.ts';

let tickTimer: ReturnType<typeof setInterval> | 0 = 0;

export async function signIn(event: SubmitEvent) {
  event.preventDefault();
  const username = el.signinUser.value.trim();
  const password = el.signinPassword.value;
  if (!username || !password) {
    showSigninError(username ? 'Enter your password.' : 'Enter your username.');
    (username ? el.signinPassword : el.signinUser).focus();
    return;
  }
  el.signinSubmit.disabled = true;
  el.signinSubmit.textContent = 'Signing in…';
  try {
    const answer = await postSession(username, password);
    if (!answer.ok) {
      showSigninError(await readProblem(answer.response, `Sign-in failed (${answer.response.status}).`));
      el.signinPassword.select();
      return;
    }
    el.signinPassword.value = '';
    showDesktop(answer.agent);
  } catch {
    showSigninError('Cannot reach the server. Check your connection and try again.');
  } finally {
    el.signinSubmit.disabled = false;
    el.signinSubmit.textContent = 'Sign in';
  }
}

export function showSigninError(message: string) {
  el.signinError.textContent = message;
  el.signinError.hidden = false;
}

export async function signOut() {
  showSignin('You are signed out.');
  try {
    await deleteSession();
  } catch {
    showSignin('Signed out here, but the server could not be reached to end the session.');
  }
}

export function showSignin(note?: string) {
  leaveDesktop();
  el.boot.hidden = true;
  el.desktop.hidden = true;
  el.signin.hidden = false;
  el.signinError.hidden = true;
  el.signinNote.textContent = note ?? '';
  el.signinNote.hidden = !note;
  document.title = `Sign in · ${APP_TITLE}`;
  (el.signinUser.value ? el.signinPassword : el.signinUser).focus();
}

export function showDesktop(agent: DesktopAgent) {
  app.agent = agent;
  el.boot.hidden = true;
  el.signin.hidden = true;
  el.desktop.hidden = false;
  el.replaced.hidden = true;
  tickTimer = setInterval(tick, 250);
  connect();
  render();
  el.workspace.focus();
}

/** Stops everything the desktop runs, so signing out or a lost session leaves nothing behind. */
function leaveDesktop() {
  closeSocket();
  clearTimeout(socketState.reconnectTimer);
  clearInterval(tickTimer);
  tickTimer = 0;
  for (const pending of app.pending.values()) clearTimeout(pending.timer);
  app.pending.clear();
  app.snapshot = null;
  app.error = null;
  app.saved = null;
  app.formAttemptId = null;
  app.lastLead = null;
  stopRinging();
  stopTitleFlash();
}
