// The agent desktop: signs in, keeps one WebSocket to the agent gateway and renders the agent's
// latest snapshot (docs/agent-protocol.md). Everything on screen is derived from `app` by render().

const LOCALE = document.documentElement.lang || 'en';
const COMMAND_TIMEOUT_MS = 10_000;
const SAVED_VISIBLE_MS = 8_000;
const DNC_CONFIRM_MS = 6_000;
const CALLBACK_DEFAULT_MS = 2 * 60 * 60 * 1000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
const AMBER_BELOW_MS = 60_000;
const OFFER_URGENT_MS = 10_000;
const APP_TITLE = 'Pronto agent';

const STATE_LABELS = {
  offline: 'Offline',
  available: 'Available',
  offered: 'Offered',
  dialing: 'Dialing',
  on_call: 'On call',
  wrap_up: 'Wrap-up',
  paused: 'Paused',
};

const STAGE_TEXT = {
  offered: 'Incoming lead',
  dialing: 'Calling your phone…',
  ringing: 'Ringing the customer…',
  connected: 'Connected',
  wrap_up: 'Call ended · record the outcome',
  ended: 'Call ended',
};

const OUTCOME_TEXT = {
  contacted: 'contacted',
  no_answer: 'no answer',
  busy: 'busy',
  failed: 'call failed',
  invalid_number: 'invalid number',
  agent_missed: 'missed',
  voicemail: 'voicemail',
};

const DISPOSITION_TEXT = {
  sale: 'sale',
  not_interested: 'not interested',
  callback: 'callback',
  wrong_person: 'wrong person',
  do_not_call: 'do not call',
  other: 'other',
};

/** Why the dispatcher took a lead off the desktop (the update's `reason`), in the agent's words. */
const RELEASE_TEXT = {
  reject: 'rejected',
  disposition: 'outcome saved',
  offer_expired: 'offer expired',
  call_ended: 'call ended',
  offline: 'released while you were offline',
};

/** Why the agent is paused (the snapshot's `pauseReason`), in the agent's words. */
const PAUSE_TEXT = {
  missed_offers:
    'two leads missed in a row (not accepted in time, or your phone did not answer or rejected the call)',
  break: 'break',
  lunch: 'lunch',
  training: 'training',
  meeting: 'meeting',
  other: 'other',
};

const pauseText = (reason) => PAUSE_TEXT[reason] ?? humanize(reason).toLowerCase();

const COMMAND_TEXT = {
  accept: 'Accept',
  reject: 'Reject',
  hangup: 'Hang up',
  disposition: 'Outcome',
  pause: 'Pause',
  resume: 'Resume',
};

const byId = (id) => document.getElementById(id);
const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

// Collected once: the lead card is detached from the document while the agent holds no lead,
// so later look-ups by selector would miss its children.
const el = {
  boot: byId('boot'),
  signin: byId('signin'),
  signinForm: byTestId('signin-form'),
  signinUser: byTestId('signin-username'),
  signinPassword: byTestId('signin-password'),
  signinSubmit: byTestId('signin-submit'),
  signinError: byTestId('signin-error'),
  signinNote: byId('signin-note'),
  desktop: byId('desktop'),
  agentName: byId('agent-name'),
  badge: byTestId('agent-state'),
  soundHint: byId('sound-hint'),
  connection: byTestId('connection'),
  pauseForm: byId('pause-form'),
  pauseReason: byId('pause-reason'),
  pause: byTestId('pause'),
  resume: byTestId('resume'),
  signout: byTestId('signout'),
  replaced: byId('replaced'),
  reconnectHere: byId('reconnect-here'),
  workspace: byId('workspace'),
  saved: byTestId('saved'),
  idle: byId('idle'),
  idleTitle: byId('idle-title'),
  idleSince: byId('idle-since'),
  idleLast: byId('idle-last'),
  lead: byTestId('offer'),
  stage: byTestId('call-stage'),
  offerExpiry: byId('offer-expiry'),
  offerCountdown: byTestId('offer-countdown'),
  leadCampaign: byId('lead-campaign'),
  leadName: byTestId('lead-name'),
  leadPhone: byTestId('lead-phone'),
  leadProduct: byTestId('lead-product'),
  leadAmount: byTestId('lead-amount'),
  leadTerm: byId('lead-term'),
  leadEligibility: byId('lead-eligibility'),
  leadIntent: byId('lead-intent'),
  leadIntents: byId('lead-intents'),
  leadAttempt: byId('lead-attempt'),
  leadLocalTime: byId('lead-localtime'),
  leadPage: byId('lead-page'),
  sla: byId('sla'),
  slaLabel: byId('sla-label'),
  slaCountdown: byTestId('sla-countdown'),
  slaPrefix: document.createElement('span'),
  slaTime: document.createElement('span'),
  slaDue: byId('sla-due'),
  score: byTestId('score'),
  scoreFactors: byTestId('score-factors'),
  callActions: byId('call-actions'),
  accept: byTestId('accept'),
  reject: byTestId('reject'),
  hangup: byTestId('hangup'),
  dispositions: byId('dispositions'),
  dispoSale: byTestId('dispo-sale'),
  saleValue: byTestId('sale-value'),
  saleCurrency: byId('sale-currency'),
  dispoNotInterested: byTestId('dispo-not-interested'),
  dispoCallback: byTestId('dispo-callback'),
  callbackAt: byTestId('callback-at'),
  dispoWrongPerson: byTestId('dispo-wrong-person'),
  dispoDnc: byTestId('dispo-dnc'),
  dncText: byId('dnc-text'),
  dncConfirm: byId('dnc-confirm'),
  dispoOther: byTestId('dispo-other'),
  otherNote: byId('other-note'),
  leadFeedback: byId('lead-feedback'),
  feedback: byId('feedback'),
  commandError: byTestId('command-error'),
  errorTitle: byId('error-title'),
  errorDetail: byId('error-detail'),
  liveOffer: byId('live-offer'),
  liveStatus: byId('live-status'),
};

/** Fields the gateway may name in an error, and the input the agent fixes them in. */
const FIELD_INPUTS = {
  'disposition.value': el.saleValue,
  'disposition.callbackAt': el.callbackAt,
  'disposition.note': el.otherNote,
};

const COMMAND_BUTTONS = [
  el.accept,
  el.reject,
  el.hangup,
  el.dispoSale,
  el.dispoNotInterested,
  el.dispoCallback,
  el.dispoWrongPerson,
  el.dispoDnc,
  el.dispoOther,
  el.pause,
  el.resume,
];

const app = {
  agent: null,
  snapshot: null,
  // A fresh socket takes its first update whatever its version: the server may have been reset.
  takeAnyVersion: true,
  clockOffsetMs: 0,
  connection: 'connecting',
  reconnectAt: 0,
  pending: new Map(),
  nextRef: 1,
  error: null,
  saved: null,
  dncArmedUntil: 0,
  // The attempt whose disposition inputs were last prefilled, so re-renders keep what was typed.
  formAttemptId: null,
  lastLead: null,
};

const socketState = { socket: null, heartbeat: null, reconnectTimer: 0, retries: 0 };
const sound = { context: null, master: null, ringTimer: 0 };
let titleTimer = 0;
let tickTimer = 0;

// ---------------------------------------------------------------- time and text formatting

function serverNow() {
  return Date.now() + app.clockOffsetMs;
}

/** serverTime may come as epoch milliseconds or as an ISO string; both are accepted. */
function readServerTime(value) {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isFinite(ms)) app.clockOffsetMs = ms - Date.now();
}

const pad = (n) => String(n).padStart(2, '0');

/** mm:ss, or h:mm:ss when an hour or more (a business-hours SLA can be due tomorrow morning). */
function formatSeconds(totalSeconds) {
  const seconds = Math.max(0, totalSeconds);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${pad(minutes)}:${pad(rest)}`;
}

// A countdown rounds up so it reads 05:00 at the start and 00:00 exactly at the deadline.
const formatRemaining = (ms) => formatSeconds(Math.ceil(ms / 1000));
const formatElapsed = (ms) => formatSeconds(Math.floor(ms / 1000));

function formatNumber(value) {
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 }).format(value);
}

function formatMoney(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  return currency ? `${formatNumber(amount)} ${currency}` : formatNumber(amount);
}

function formatClock(iso) {
  return new Intl.DateTimeFormat(LOCALE, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

function formatDateTime(date) {
  return new Intl.DateTimeFormat(LOCALE, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
}

/** `cash_loan` -> `Cash loan`; codes from the client's events are shown, not translated. */
function humanize(code) {
  if (!code) return '—';
  const words = String(code)
    .replace(/[_.-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The lead's own wall clock, so the agent knows whether it is breakfast or dinner time there. */
function leadLocalTime(timeZone) {
  if (!timeZone) return '—';
  try {
    return new Intl.DateTimeFormat(LOCALE, {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      timeZone,
    }).format(new Date(serverNow()));
  } catch {
    return '—';
  }
}

function stateLabel(snapshot) {
  const label = STATE_LABELS[snapshot.state] ?? humanize(snapshot.state);
  return snapshot.state === 'paused' && snapshot.pauseReason
    ? `${label} · ${pauseText(snapshot.pauseReason)}`
    : label;
}

function savedText(disposition) {
  switch (disposition.code) {
    case 'sale':
      return `Saved: sale ${formatMoney(disposition.value, disposition.currency)}`;
    case 'callback':
      return `Saved: callback on ${formatDateTime(new Date(disposition.callbackAt))}`;
    case 'do_not_call':
      return 'Saved: do not call · the number is on the DNC list';
    default:
      return `Saved: ${DISPOSITION_TEXT[disposition.code] ?? disposition.code}`;
  }
}

// ---------------------------------------------------------------- derived view of the snapshot

const attemptOf = () => app.snapshot?.attempt ?? null;

/** The card shows while a lead is offered or a call is on; an ended attempt only if it awaits wrap-up. */
function holdsLead(snapshot) {
  const attempt = snapshot?.attempt;
  if (!attempt) return false;
  return attempt.stage !== 'ended' || snapshot.state === 'wrap_up';
}

function needsDisposition(attempt) {
  return (
    Boolean(attempt) && !attempt.disposition && (attempt.stage === 'connected' || attempt.stage === 'wrap_up')
  );
}

const isOnline = () => app.connection === 'open';
const isBusy = () => app.pending.size > 0 || !isOnline();

// ---------------------------------------------------------------- sound

/**
 * Browsers keep audio muted until the person interacts with the page, so the context is created or
 * resumed from the first click or key press (the sign-in click counts).
 */
function unlockAudio() {
  if (!sound.context) {
    sound.context = new AudioContext();
    sound.context.addEventListener('statechange', render);
  }
  if (sound.context.state === 'suspended') sound.context.resume().catch(() => {});
}

const audioRunning = () => sound.context?.state === 'running';

/** One ring: two alternating tones twice, like a desk phone, then silence until the next ring. */
function ringOnce() {
  const context = sound.context;
  const start = context.currentTime + 0.02;
  const tones = [880, 660, 880, 660];
  tones.forEach((frequency, index) => {
    const at = start + index * 0.22;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'triangle';
    oscillator.frequency.value = frequency;
    // Short ramps avoid clicks at the edges of each tone.
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.35, at + 0.02);
    gain.gain.setValueAtTime(0.35, at + 0.18);
    gain.gain.linearRampToValueAtTime(0, at + 0.2);
    oscillator.connect(gain).connect(sound.master);
    oscillator.start(at);
    oscillator.stop(at + 0.21);
  });
}

function startRinging() {
  if (sound.ringTimer || !audioRunning()) return;
  sound.master = sound.context.createGain();
  sound.master.gain.value = 0.5;
  sound.master.connect(sound.context.destination);
  ringOnce();
  sound.ringTimer = setInterval(ringOnce, 2500);
}

function stopRinging() {
  if (!sound.ringTimer) return;
  clearInterval(sound.ringTimer);
  sound.ringTimer = 0;
  // Disconnecting the master silences tones already scheduled for the current ring.
  sound.master.disconnect();
  sound.master = null;
}

// ---------------------------------------------------------------- HTTP: the session

async function readProblem(response, fallback) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || fallback;
  } catch {
    return fallback;
  }
}

async function fetchSession() {
  const response = await fetch('/agent/session', { headers: { accept: 'application/json' } });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(await readProblem(response, `The server answered ${response.status}.`));
  return (await response.json()).agent;
}

async function signIn(event) {
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
    const response = await fetch('/agent/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) {
      showSigninError(await readProblem(response, `Sign-in failed (${response.status}).`));
      el.signinPassword.select();
      return;
    }
    el.signinPassword.value = '';
    showDesktop((await response.json()).agent);
  } catch {
    showSigninError('Cannot reach the server. Check your connection and try again.');
  } finally {
    el.signinSubmit.disabled = false;
    el.signinSubmit.textContent = 'Sign in';
  }
}

function showSigninError(message) {
  el.signinError.textContent = message;
  el.signinError.hidden = false;
}

async function signOut() {
  showSignin('You are signed out.');
  try {
    await fetch('/agent/session', { method: 'DELETE' });
  } catch {
    showSignin('Signed out here, but the server could not be reached to end the session.');
  }
}

// ---------------------------------------------------------------- screens

function showSignin(note) {
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

function showDesktop(agent) {
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

// ---------------------------------------------------------------- the WebSocket

function connect() {
  clearTimeout(socketState.reconnectTimer);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/agent/ws`);
  socketState.socket = socket;
  app.takeAnyVersion = true;
  setConnection('connecting');
  // Events of a socket that has since been replaced are ignored.
  socket.addEventListener('message', (event) => {
    if (socketState.socket === socket) onMessage(event.data);
  });
  socket.addEventListener('close', (event) => {
    if (socketState.socket === socket) onClose(event);
  });
}

function closeSocket() {
  const socket = socketState.socket;
  socketState.socket = null;
  stopHeartbeat();
  if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'closed by the desktop');
}

function setConnection(status) {
  app.connection = status;
  render();
}

function onMessage(data) {
  let message;
  try {
    message = JSON.parse(data);
  } catch {
    return;
  }
  if (message.serverTime !== undefined) readServerTime(message.serverTime);
  if (message.type === 'hello') onHello(message);
  else if (message.type === 'update') applySnapshot(message.update);
  else if (message.type === 'ack') settleCommand(message.ref, null);
  else if (message.type === 'error') settleCommand(message.ref, message);
}

function onHello(message) {
  app.agent = message.agent ?? app.agent;
  socketState.retries = 0;
  startHeartbeat(message.heartbeatIntervalMs || 5000);
  setConnection('open');
}

const sendHeartbeat = () => socketState.socket?.send(JSON.stringify({ type: 'heartbeat' }));

/**
 * Chrome slows the timers of a tab hidden for a few minutes to one run a minute, and the gateway
 * drops a socket silent for 15 s: an agent with the desktop in a background tab would go offline.
 * A worker's timers are not slowed that way, so a tiny worker keeps the beat; if no worker can be
 * started, the page's own timer does.
 */
function startHeartbeat(intervalMs) {
  stopHeartbeat();
  const fallBack = () => {
    stopHeartbeat();
    const timer = setInterval(sendHeartbeat, intervalMs);
    socketState.heartbeat = { stop: () => clearInterval(timer) };
  };
  try {
    const worker = new Worker('/agent/assets/heartbeat-worker.js');
    worker.addEventListener('message', sendHeartbeat);
    worker.addEventListener('error', fallBack);
    worker.postMessage(Number(intervalMs));
    socketState.heartbeat = { stop: () => worker.terminate() };
  } catch {
    fallBack();
  }
}

function stopHeartbeat() {
  socketState.heartbeat?.stop();
  socketState.heartbeat = null;
}

function onClose(event) {
  socketState.socket = null;
  stopHeartbeat();
  failPendingCommands();
  if (event.code === 4401) {
    showSignin('Your session has ended. Sign in again.');
    return;
  }
  if (event.code === 4409) {
    setConnection('replaced');
    el.reconnectHere.focus();
    return;
  }
  scheduleReconnect();
}

/** Exponential backoff from 0.5 s to 10 s; the jitter keeps a room of desktops from reconnecting in step. */
function scheduleReconnect() {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** socketState.retries);
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  socketState.retries += 1;
  app.reconnectAt = Date.now() + delay;
  clearTimeout(socketState.reconnectTimer);
  socketState.reconnectTimer = setTimeout(reconnect, delay);
  setConnection('waiting');
}

/**
 * A refused upgrade looks like any other dropped socket to the browser, so the session is checked
 * over HTTP first: an expired one goes back to sign-in instead of retrying forever.
 */
async function reconnect() {
  clearTimeout(socketState.reconnectTimer);
  setConnection('connecting');
  try {
    const agent = await fetchSession();
    if (!agent) {
      showSignin('Your session has ended. Sign in again.');
      return;
    }
    app.agent = agent;
    connect();
  } catch {
    scheduleReconnect();
  }
}

function reconnectSoon() {
  if (app.connection === 'waiting') reconnect();
}

// ---------------------------------------------------------------- commands

function send(type, fields = {}, extra = {}) {
  const socket = socketState.socket;
  if (!socket || socket.readyState !== WebSocket.OPEN || app.pending.size > 0) return;
  const ref = `c${app.nextRef++}`;
  const timer = setTimeout(() => noAnswer(ref), COMMAND_TIMEOUT_MS);
  app.pending.set(ref, { type, timer, ...extra });
  app.error = null;
  socket.send(JSON.stringify({ type, ref, ...fields }));
  render();
}

function noAnswer(ref) {
  const pending = app.pending.get(ref);
  if (!pending) return;
  app.pending.delete(ref);
  app.error = {
    title: `${COMMAND_TEXT[pending.type]} not confirmed`,
    detail: 'The server did not answer in time. Check the screen before trying again.',
  };
  render();
}

function settleCommand(ref, error) {
  const pending = ref ? app.pending.get(ref) : undefined;
  if (pending) {
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
  const input = FIELD_INPUTS[error?.field];
  if (input && isShown(input)) input.focus();
}

/** Commands in flight when the socket drops may or may not have reached the dispatcher. */
function failPendingCommands() {
  for (const [ref, pending] of app.pending) {
    clearTimeout(pending.timer);
    app.pending.delete(ref);
    app.error = {
      title: `${COMMAND_TEXT[pending.type]} not confirmed`,
      detail: 'The connection dropped before the server answered. The screen updates when it is back.',
    };
  }
}

function showSaved(text) {
  app.saved = { text, until: Date.now() + SAVED_VISIBLE_MS };
}

function showLocalError(title, detail, focusTarget) {
  app.error = { title, detail };
  render();
  focusTarget?.focus();
}

function sendAttemptCommand(type) {
  const attempt = attemptOf();
  if (attempt) send(type, { attemptId: attempt.attemptId });
}

function sendDisposition(disposition) {
  const attempt = attemptOf();
  if (!attempt) return;
  app.dncArmedUntil = 0;
  send('disposition', { attemptId: attempt.attemptId, disposition }, { disposition });
}

function disposeSale() {
  const value = el.saleValue.valueAsNumber;
  if (!Number.isFinite(value) || value < 0) {
    showLocalError('Sale value needed', 'Enter the amount sold (0 or more), then press Sale.', el.saleValue);
    return;
  }
  const currency = attemptOf()?.lead.currency;
  sendDisposition(currency ? { code: 'sale', value, currency } : { code: 'sale', value });
}

function disposeCallback() {
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
function disposeDoNotCall() {
  if (Date.now() < app.dncArmedUntil) {
    sendDisposition({ code: 'do_not_call' });
    return;
  }
  app.dncArmedUntil = Date.now() + DNC_CONFIRM_MS;
  render();
}

function disposeOther() {
  const note = el.otherNote.value.trim();
  sendDisposition(note ? { code: 'other', note } : { code: 'other' });
}

function pause(event) {
  event.preventDefault();
  send('pause', { reason: el.pauseReason.value });
}

// ---------------------------------------------------------------- snapshot and announcements

function applySnapshot(update) {
  if (!update) return;
  const previous = app.snapshot;
  if (!app.takeAnyVersion && previous && update.agentVersion < previous.agentVersion) return;
  app.takeAnyVersion = false;
  app.snapshot = update;
  const attempt = update.attempt;
  if (attempt && attempt.attemptId !== app.formAttemptId) prepareForAttempt(attempt);
  if (previous?.attempt && !attempt) app.lastLead = lastLeadText(previous.attempt, update.reason);
  announce(previous, update);
  render();
  // A new offer takes focus so Enter accepts it, unless the agent is typing somewhere.
  const newOffer = attempt?.stage === 'offered' && previous?.attempt?.attemptId !== attempt.attemptId;
  if (newOffer && !isTyping(document.activeElement) && !el.accept.disabled) el.accept.focus();
}

/** A new lead starts clean: defaults in the outcome inputs, no stale error or confirmation. */
function prepareForAttempt(attempt) {
  app.formAttemptId = attempt.attemptId;
  app.error = null;
  app.dncArmedUntil = 0;
  el.saleValue.value = attempt.lead.amount ?? '';
  el.otherNote.value = '';
  el.callbackAt.value = toDatetimeLocal(new Date(serverNow() + CALLBACK_DEFAULT_MS));
}

/** datetime-local wants the browser's local wall time without a zone. */
function toDatetimeLocal(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function announce(previous, next) {
  const before = previous?.attempt;
  const now = next.attempt;
  if (now?.stage === 'offered' && before?.attemptId !== now.attemptId) {
    const lead = now.lead;
    el.liveOffer.textContent =
      `Incoming lead: ${lead.name ?? 'unnamed'}, ${lead.campaign}, ${formatMoney(lead.amount, lead.currency)}. ` +
      `${formatRemaining(Date.parse(lead.dueAt) - serverNow())} left on the SLA. Press A to accept or R to reject.`;
    return;
  }
  const status = statusAnnouncement(previous, next);
  if (status) el.liveStatus.textContent = status;
}

function statusAnnouncement(previous, next) {
  const before = previous?.attempt;
  const now = next.attempt;
  if (now && before?.stage !== now.stage && now.stage !== 'offered') {
    if (now.stage === 'ended' && now.outcome)
      return `Call ended: ${OUTCOME_TEXT[now.outcome] ?? now.outcome}`;
    return STAGE_TEXT[now.stage] ?? humanize(now.stage);
  }
  if (before?.stage === 'offered' && !now && next.reason === 'offer_expired') {
    return 'The offer expired and the lead went back to the queue.';
  }
  if (previous?.state !== next.state) return `You are ${stateLabel(next).toLowerCase()}.`;
  return '';
}

// ---------------------------------------------------------------- rendering

function render() {
  if (el.desktop.hidden) return;
  renderHeader();
  renderIdle();
  renderLead();
  renderFeedback();
  renderButtons();
  syncRinging();
  syncTitle();
  renderClocks();
  keepFocus();
}

function renderHeader() {
  const snapshot = app.snapshot;
  el.agentName.textContent = app.agent?.displayName ?? app.agent?.username ?? '';
  // Without a socket the gateway has marked the agent offline, whatever the last snapshot said.
  const shown = snapshot && isOnline() ? snapshot : null;
  const state = shown?.state ?? 'offline';
  el.badge.dataset.state = state;
  el.badge.textContent = shown ? stateLabel(shown) : STATE_LABELS.offline;
  el.connection.dataset.status = app.connection;
  el.replaced.hidden = app.connection !== 'replaced';
  el.soundHint.hidden = audioRunning();
  const paused = state === 'paused';
  el.pauseForm.hidden = paused;
  el.resume.hidden = !paused;
}

function renderIdle() {
  const snapshot = app.snapshot;
  const leadShown = holdsLead(snapshot);
  el.idle.hidden = leadShown;
  if (leadShown) return;
  el.idleTitle.textContent = idleTitle(snapshot);
  el.idleLast.hidden = !app.lastLead;
  el.idleLast.textContent = app.lastLead ?? '';
}

/** What became of the lead the agent just had, so a card that vanishes is not a mystery. */
function lastLeadText(attempt, reason) {
  const name = attempt.lead.name ?? 'unnamed';
  const outcome = attempt.disposition
    ? DISPOSITION_TEXT[attempt.disposition.code]
    : (OUTCOME_TEXT[attempt.outcome] ?? RELEASE_TEXT[reason] ?? humanize(reason).toLowerCase());
  return `Last lead: ${name} · ${outcome}`;
}

function idleTitle(snapshot) {
  if (app.connection === 'replaced') return 'This tab is not receiving leads';
  if (app.connection === 'waiting') return 'Connection lost';
  if (!snapshot || !isOnline()) return 'Connecting…';
  if (snapshot.state === 'available') return 'Waiting for the next lead';
  if (snapshot.state === 'paused')
    return `Paused${snapshot.pauseReason ? `: ${pauseText(snapshot.pauseReason)}` : ''}`;
  if (snapshot.state === 'offline') return 'You are offline';
  return STATE_LABELS[snapshot.state] ?? humanize(snapshot.state);
}

/** Attaches the lead card only while there is a lead, so `offer` exists only then. */
function renderLead() {
  const snapshot = app.snapshot;
  if (!holdsLead(snapshot)) {
    el.lead.remove();
    return;
  }
  if (!el.lead.isConnected) el.idle.after(el.lead);
  const attempt = snapshot.attempt;
  const lead = attempt.lead;
  el.lead.dataset.stage = attempt.stage;
  el.lead.classList.toggle('lead--stale', !isOnline());
  el.leadCampaign.textContent = lead.campaign;
  el.leadName.textContent = lead.name ?? 'Name not given';
  el.leadPhone.textContent = lead.phone ?? 'revealed on accept';
  el.leadPhone.classList.toggle('lead__phone--hidden', !lead.phone);
  el.leadProduct.textContent = humanize(lead.product);
  el.leadAmount.textContent = formatMoney(lead.amount, lead.currency);
  el.leadTerm.textContent = lead.termMonths ? `${lead.termMonths} months` : '—';
  el.leadEligibility.textContent = humanize(lead.eligibility);
  setFact(el.leadIntent, humanize(lead.intentType), `at ${formatClock(lead.intentAt)}`);
  el.leadIntents.textContent = String(lead.intents);
  el.leadAttempt.textContent = String(lead.attemptNumber);
  renderPage(lead.pageUrl);
  el.score.textContent = String(lead.score);
  renderScoreFactors(lead.scoreFactors ?? []);
  el.slaDue.textContent = `Due ${formatClock(lead.dueAt)}`;

  const offered = attempt.stage === 'offered';
  const inCall = attempt.stage === 'dialing' || attempt.stage === 'ringing' || attempt.stage === 'connected';
  el.callActions.hidden = !offered;
  el.hangup.hidden = !inCall;
  el.offerExpiry.hidden = !offered || !attempt.offerExpiresAt;
  el.dispositions.hidden = !needsDisposition(attempt);
  el.saleCurrency.textContent = lead.currency ?? '';
  renderDncConfirm(lead);
}

/** A fact with a smaller second line under it. */
function setFact(element, value, note) {
  const small = document.createElement('span');
  small.className = 'facts__note';
  small.textContent = note;
  element.replaceChildren(value, ' ', small);
}

/** The page the person was on; linked only for web addresses so a crafted value cannot run script. */
function renderPage(pageUrl) {
  el.leadPage.replaceChildren();
  if (!pageUrl) {
    el.leadPage.textContent = '—';
    return;
  }
  let url = null;
  try {
    url = new URL(pageUrl);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    el.leadPage.textContent = pageUrl;
    return;
  }
  const link = document.createElement('a');
  link.href = url.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.textContent = `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  el.leadPage.append(link);
}

function renderScoreFactors(factors) {
  const items = factors.map((factor) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'score__factor';
    name.textContent = humanize(factor.factor);
    const detail = factor.detail ?? factor.value;
    if (detail !== null && detail !== undefined && detail !== '') {
      const value = document.createElement('span');
      value.className = 'score__detail';
      value.textContent = typeof detail === 'number' ? formatNumber(detail) : humanize(detail);
      name.append(' ', value);
    }
    const points = document.createElement('span');
    points.className = `score__points score__points--${pointsTone(factor.points)}`;
    points.textContent = formatPoints(factor.points);
    item.append(name, points);
    return item;
  });
  el.scoreFactors.replaceChildren(...items);
}

function pointsTone(points) {
  if (points > 0) return 'positive';
  if (points < 0) return 'negative';
  return 'zero';
}

function formatPoints(points) {
  if (points > 0) return `+${formatNumber(points)}`;
  if (points < 0) return `−${formatNumber(-points)}`;
  return '0';
}

function renderDncConfirm(lead) {
  const armed = Date.now() < app.dncArmedUntil;
  el.dispoDnc.classList.toggle('btn--armed', armed);
  el.dncText.textContent = armed ? 'Confirm DNC' : 'Do not call';
  el.dncConfirm.hidden = !armed;
  el.dncConfirm.textContent = armed
    ? `Adds ${lead.phone ?? 'this number'} to the do-not-call list. Press again to confirm, Esc to cancel.`
    : '';
}

function renderFeedback() {
  const leadShown = el.lead.isConnected;
  const host = leadShown ? el.leadFeedback : el.feedback;
  if (el.commandError.parentElement !== host) host.append(el.commandError);
  // Empty hosts are hidden too, so they add no gap to the layout.
  el.leadFeedback.hidden = !app.error;
  el.feedback.hidden = leadShown || !app.error;
  el.commandError.hidden = !app.error;
  el.errorTitle.textContent = app.error?.title ?? '';
  el.errorDetail.textContent = app.error?.detail ?? '';
  el.saved.hidden = !app.saved;
  el.saved.textContent = app.saved?.text ?? '';
}

function renderButtons() {
  const busy = isBusy();
  for (const button of COMMAND_BUTTONS) button.disabled = busy;
  const state = app.snapshot?.state;
  // Pausing is for between calls; during an offer or a call the agent finishes first.
  el.pause.disabled = busy || (state !== 'available' && state !== 'wrap_up');
  el.pauseReason.disabled = el.pause.disabled;
  el.lead.setAttribute('aria-busy', String(app.pending.size > 0));
}

/** Runs four times a second: every countdown and timer on the screen. */
function tick() {
  if (app.saved && Date.now() > app.saved.until) {
    app.saved = null;
    renderFeedback();
  }
  if (app.dncArmedUntil && Date.now() > app.dncArmedUntil) {
    app.dncArmedUntil = 0;
    render();
  }
  renderClocks();
}

function renderClocks() {
  renderConnectionText();
  const snapshot = app.snapshot;
  if (!holdsLead(snapshot)) {
    renderIdleSince(snapshot);
    return;
  }
  const attempt = snapshot.attempt;
  renderSla(attempt);
  renderStage(attempt);
  if (attempt.stage === 'offered' && attempt.offerExpiresAt) {
    const left = Date.parse(attempt.offerExpiresAt) - serverNow();
    el.offerCountdown.textContent = left > 0 ? formatRemaining(left) : 'expired';
    el.offerExpiry.classList.toggle('lead__expiry--urgent', left < OFFER_URGENT_MS);
  }
  const localTime = leadLocalTime(attempt.lead.timeZone);
  const zone = attempt.lead.timeZone ?? '';
  if (el.leadLocalTime.textContent !== `${localTime} ${zone}`) setFact(el.leadLocalTime, localTime, zone);
}

function renderConnectionText() {
  const status = app.connection;
  let text = 'Connecting…';
  if (status === 'open') text = 'Connected';
  else if (status === 'replaced') text = 'Opened in another tab';
  else if (status === 'waiting')
    text = `Reconnecting in ${Math.max(1, Math.ceil((app.reconnectAt - Date.now()) / 1000))}s…`;
  if (el.connection.textContent !== text) el.connection.textContent = text;
}

function renderIdleSince(snapshot) {
  const since = snapshot && isOnline() ? Date.parse(snapshot.stateSince) : Number.NaN;
  if (Number.isNaN(since)) {
    el.idleSince.textContent =
      app.connection === 'replaced' ? '' : 'Leads arrive here as soon as you are connected.';
    return;
  }
  const elapsed = formatElapsed(serverNow() - since);
  if (snapshot.state === 'available') el.idleSince.textContent = `Available for ${elapsed}`;
  else if (snapshot.state === 'paused')
    el.idleSince.textContent = `Paused for ${elapsed} · press Resume when ready`;
  else el.idleSince.textContent = `For ${elapsed}`;
}

/**
 * Counts down to the due time on the server's clock. Once the person has answered, the SLA is
 * decided, so the clock stops at the contact time and says whether it was met.
 */
function renderSla(attempt) {
  const due = Date.parse(attempt.lead.dueAt);
  const contactAt = attempt.answeredAt ? Date.parse(attempt.answeredAt) : null;
  const left = due - (contactAt ?? serverNow());
  let level = 'ok';
  if (left <= 0) level = 'breached';
  else if (left < AMBER_BELOW_MS) level = 'warning';
  el.sla.dataset.level = level;
  el.sla.dataset.decided = String(contactAt !== null);
  if (contactAt !== null) {
    el.slaLabel.textContent = `SLA · contact at ${formatClock(attempt.answeredAt)}`;
    el.slaPrefix.textContent = left > 0 ? 'SLA met, ' : 'SLA breached, ';
    el.slaTime.textContent = left > 0 ? `${formatRemaining(left)} early` : `+${formatElapsed(-left)}`;
    return;
  }
  el.slaLabel.textContent = left > 0 ? 'SLA · time left to contact' : 'SLA · past due, call now';
  el.slaPrefix.textContent = left > 0 ? '' : 'SLA breached, ';
  el.slaTime.textContent = left > 0 ? formatRemaining(left) : `+${formatElapsed(-left)}`;
}

function renderStage(attempt) {
  let text = STAGE_TEXT[attempt.stage] ?? humanize(attempt.stage);
  if (attempt.stage === 'offered') text = `Incoming lead · attempt ${attempt.lead.attemptNumber}`;
  if (attempt.stage === 'connected' && attempt.answeredAt) {
    text = `Connected · ${formatElapsed(serverNow() - Date.parse(attempt.answeredAt))}`;
  }
  if (attempt.stage === 'ended' && attempt.outcome)
    text = `Call ended · ${OUTCOME_TEXT[attempt.outcome] ?? attempt.outcome}`;
  if (el.stage.textContent !== text) el.stage.textContent = text;
}

// ---------------------------------------------------------------- ring, title and focus

// The ring stops as soon as the agent answers the offer, without waiting for the server's update.
const isRinging = () => isOnline() && app.pending.size === 0 && attemptOf()?.stage === 'offered';

function syncRinging() {
  if (isRinging()) startRinging();
  else stopRinging();
}

function syncTitle() {
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

function stopTitleFlash() {
  clearInterval(titleTimer);
  titleTimer = 0;
}

const isShown = (element) => element.isConnected && !element.closest('[hidden]');

/** When what had focus disappears (an accepted offer, a finished call), focus lands on the next step. */
function keepFocus() {
  const active = document.activeElement;
  const resting = !active || active === document.body || active === el.workspace;
  if (!resting && isShown(active) && !active.disabled) return;
  const attempt = holdsLead(app.snapshot) ? attemptOf() : null;
  let target = el.workspace;
  if (app.connection === 'replaced') target = el.reconnectHere;
  else if (attempt?.stage === 'offered') target = el.accept;
  else if (attempt && isShown(el.hangup)) target = el.hangup;
  else if (attempt && needsDisposition(attempt)) target = el.dispoSale;
  else if (app.snapshot?.state === 'paused') target = el.resume;
  // A disabled button cannot take focus; the workspace keeps shortcuts working meanwhile.
  if (target.disabled) target = el.workspace;
  if (active !== target) target.focus({ preventScroll: target === el.workspace });
}

// ---------------------------------------------------------------- keyboard

const SHORTCUTS = {
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

function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches('input, textarea, select');
}

function onKeydown(event) {
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

// ---------------------------------------------------------------- start

/** Two spans with no whitespace between, so the countdown's text reads exactly "SLA breached, +01:23". */
function buildSlaCountdown() {
  el.slaPrefix.className = 'sla__prefix';
  el.slaTime.className = 'sla__time';
  el.slaCountdown.replaceChildren(el.slaPrefix, el.slaTime);
}

function bindEvents() {
  document.addEventListener('pointerdown', unlockAudio, { capture: true });
  document.addEventListener('keydown', unlockAudio, { capture: true });
  document.addEventListener('keydown', onKeydown);
  el.signinForm.addEventListener('submit', signIn);
  el.signout.addEventListener('click', signOut);
  el.pauseForm.addEventListener('submit', pause);
  el.resume.addEventListener('click', () => send('resume'));
  el.reconnectHere.addEventListener('click', reconnect);
  el.soundHint.addEventListener('click', unlockAudio);
  el.accept.addEventListener('click', () => sendAttemptCommand('accept'));
  el.reject.addEventListener('click', () => sendAttemptCommand('reject'));
  el.hangup.addEventListener('click', () => sendAttemptCommand('hangup'));
  el.dispoSale.addEventListener('click', disposeSale);
  el.dispoNotInterested.addEventListener('click', () => sendDisposition({ code: 'not_interested' }));
  el.dispoCallback.addEventListener('click', disposeCallback);
  el.dispoWrongPerson.addEventListener('click', () => sendDisposition({ code: 'wrong_person' }));
  el.dispoDnc.addEventListener('click', disposeDoNotCall);
  el.dispoOther.addEventListener('click', disposeOther);
  // Coming back online or to the tab is a good moment to skip the rest of a backoff wait.
  window.addEventListener('online', reconnectSoon);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectSoon();
  });
}

async function start() {
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
      error instanceof TypeError ? 'Cannot reach the server. Try again in a moment.' : error.message,
    );
  }
}

start();
