// Draws the desktop from `app` (state.ts): render() after every change, tick() four times a second
// for the countdowns and timers.
import { keepFocus, syncRinging, syncTitle } from './attention.ts';
import { COMMAND_BUTTONS, el } from './elements.ts';
import type { AgentUpdate, Attempt, Lead } from './protocol.ts';
import { audioRunning } from './sound.ts';
import { app, holdsLead, isBusy, isOnline, needsDisposition, serverNow } from './state.ts';
import {
  formatClock,
  formatElapsed,
  formatMoney,
  formatNumber,
  formatRemaining,
  humanize,
  leadLocalTime,
  OUTCOME_TEXT,
  pauseText,
  STAGE_TEXT,
  STATE_LABELS,
  stateLabel,
} from './text.ts';

const AMBER_BELOW_MS = 60_000;
const OFFER_URGENT_MS = 10_000;

export function render() {
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

function idleTitle(snapshot: AgentUpdate | null) {
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
function setFact(element: HTMLElement, value: string, note: string) {
  const small = document.createElement('span');
  small.className = 'facts__note';
  small.textContent = note;
  element.replaceChildren(value, ' ', small);
}

/** The page the person was on; linked only for web addresses so a crafted value cannot run script. */
function renderPage(pageUrl: string | null) {
  el.leadPage.replaceChildren();
  if (!pageUrl) {
    el.leadPage.textContent = '—';
    return;
  }
  let url: URL | null = null;
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

function renderScoreFactors(factors: Lead['scoreFactors']) {
  const items = factors.map((factor) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'score__factor';
    name.textContent = humanize(factor.factor);
    const detail = factor.value;
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

function pointsTone(points: number) {
  if (points > 0) return 'positive';
  if (points < 0) return 'negative';
  return 'zero';
}

function formatPoints(points: number) {
  if (points > 0) return `+${formatNumber(points)}`;
  if (points < 0) return `−${formatNumber(-points)}`;
  return '0';
}

function renderDncConfirm(lead: Lead) {
  const armed = Date.now() < app.dncArmedUntil;
  el.dispoDnc.classList.toggle('btn--armed', armed);
  el.dncText.textContent = armed ? 'Confirm DNC' : 'Do not call';
  el.dncConfirm.hidden = !armed;
  el.dncConfirm.textContent = armed
    ? `Adds ${lead.phone ?? 'this number'} to the do-not-call list. Press again to confirm, Esc to cancel.`
    : '';
}

export function renderFeedback() {
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
export function tick() {
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
  const localTime = leadLocalTime(attempt.lead.timeZone, serverNow());
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

function renderIdleSince(snapshot: AgentUpdate | null) {
  const since = snapshot && isOnline() ? Date.parse(snapshot.stateSince) : Number.NaN;
  if (!snapshot || Number.isNaN(since)) {
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
function renderSla(attempt: Attempt) {
  const due = Date.parse(attempt.lead.dueAt);
  const contactAt = attempt.answeredAt ? Date.parse(attempt.answeredAt) : null;
  const left = due - (contactAt ?? serverNow());
  let level = 'ok';
  if (left <= 0) level = 'breached';
  else if (left < AMBER_BELOW_MS) level = 'warning';
  el.sla.dataset.level = level;
  el.sla.dataset.decided = String(contactAt !== null);
  if (attempt.answeredAt) {
    el.slaLabel.textContent = `SLA · contact at ${formatClock(attempt.answeredAt)}`;
    el.slaPrefix.textContent = left > 0 ? 'SLA met, ' : 'SLA breached, ';
    el.slaTime.textContent = left > 0 ? `${formatRemaining(left)} early` : `+${formatElapsed(-left)}`;
    return;
  }
  el.slaLabel.textContent = left > 0 ? 'SLA · time left to contact' : 'SLA · past due, call now';
  el.slaPrefix.textContent = left > 0 ? '' : 'SLA breached, ';
  el.slaTime.textContent = left > 0 ? formatRemaining(left) : `+${formatElapsed(-left)}`;
}

function renderStage(attempt: Attempt) {
  let text = STAGE_TEXT[attempt.stage] ?? humanize(attempt.stage);
  if (attempt.stage === 'offered') text = `Incoming lead · attempt ${attempt.lead.attemptNumber}`;
  if (attempt.stage === 'connected' && attempt.answeredAt) {
    text = `Connected · ${formatElapsed(serverNow() - Date.parse(attempt.answeredAt))}`;
  }
  if (attempt.stage === 'ended' && attempt.outcome)
    text = `Call ended · ${OUTCOME_TEXT[attempt.outcome] ?? attempt.outcome}`;
  if (el.stage.textContent !== text) el.stage.textContent = text;
}
