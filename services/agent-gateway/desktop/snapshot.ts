// The agent's latest snapshot (AgentUpdateV1): taken when newer, announced to screen readers, and
// a new lead's inputs prefilled.
import { el, isTyping } from './elements.ts';
import type { AgentUpdate, Attempt } from './protocol.ts';
import { render } from './render.ts';
import { app, serverNow } from './state.ts';
import {
  formatMoney,
  formatRemaining,
  humanize,
  lastLeadText,
  OUTCOME_TEXT,
  STAGE_TEXT,
  stateLabel,
} from './text.ts';

const CALLBACK_DEFAULT_MS = 2 * 60 * 60 * 1000;

export function applySnapshot(update: AgentUpdate | undefined) {
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
function prepareForAttempt(attempt: Attempt) {
  app.formAttemptId = attempt.attemptId;
  app.error = null;
  app.dncArmedUntil = 0;
  el.saleValue.value = String(attempt.lead.amount ?? '');
  el.otherNote.value = '';
  el.callbackAt.value = toDatetimeLocal(new Date(serverNow() + CALLBACK_DEFAULT_MS));
}

/** datetime-local wants the browser's local wall time without a zone. */
function toDatetimeLocal(date: Date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function announce(previous: AgentUpdate | null, next: AgentUpdate) {
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

function statusAnnouncement(previous: AgentUpdate | null, next: AgentUpdate) {
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
