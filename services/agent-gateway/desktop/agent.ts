// The agent desktop: signs in, keeps one WebSocket to the agent gateway and renders the agent's
// latest snapshot (docs/agent-protocol.md). Everything on screen is derived from `app` (state.ts)
// by render() (render.ts). Served bundled as /agent/assets/agent.js (src/desktop-files.ts).
import {
  disposeCallback,
  disposeDoNotCall,
  disposeOther,
  disposeSale,
  pause,
  send,
  sendAttemptCommand,
  sendDisposition,
} from './commands.ts';
import { onSessionEnded, reconnect, reconnectSoon } from './connection.ts';
import { el } from './elements.ts';
import { onKeydown } from './keyboard.ts';
import { render } from './render.ts';
import { showDesktop, showSignin, showSigninError, signIn, signOut } from './screens.ts';
import { fetchSession } from './session-api.ts';
import { unlockAudio } from './sound.ts';

/** Two spans with no whitespace between, so the countdown's text reads exactly "SLA breached, +01:23". */
function buildSlaCountdown() {
  el.slaPrefix.className = 'sla__prefix';
  el.slaTime.className = 'sla__time';
  el.slaCountdown.replaceChildren(el.slaPrefix, el.slaTime);
}

function bindEvents() {
  const unlock = () => unlockAudio(render);
  document.addEventListener('pointerdown', unlock, { capture: true });
  document.addEventListener('keydown', unlock, { capture: true });
  document.addEventListener('keydown', onKeydown);
  el.signinForm.addEventListener('submit', signIn);
  el.signout.addEventListener('click', signOut);
  el.pauseForm.addEventListener('submit', pause);
  el.resume.addEventListener('click', () => send('resume', {}));
  el.reconnectHere.addEventListener('click', reconnect);
  el.soundHint.addEventListener('click', unlock);
  el.accept.addEventListener('click', () => sendAttemptCommand('accept'));
  el.reject.addEventListener('click', () => sendAttemptCommand('reject'));
  el.hangup.addEventListener('click', () => sendAttemptCommand('hangup'));
  el.dispoSale.addEventListener('click', disposeSale);
  el.dispoNotInterested.addEventListener('click', () => sendDisposition({ code: 'not_interested' }));
  el.dispoCallback.addEventListener('click', disposeCallback);
  el.dispoWrongPerson.addEventListener('click', () => sendDisposition({ code: 'wrong_person' }));
  el.dispoDnc.addEventListener('click', disposeDoNotCall);
  el.dispoOther.addEventListener('click', disposeOther);
  window.addEventListener('online', reconnectSoon);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectSoon();
  });
}

async function start() {
  onSessionEnded(showSignin);
  bindEvents();
  buildSlaCountdown();
  el.lead.remove();
  try {
    const agent = await fetchSession();
    if (agent) showDesktop(agent);
    else showSignin();
  } catch (error) {
    showSignin();
    showSigninError(
      error instanceof TypeError
        ? 'Cannot reach the server. Try again in a moment.'
        : (error as Error).message,
    );
  }
}

start();
