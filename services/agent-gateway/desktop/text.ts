// Words and numbers on the desktop: labels for the contract's codes, and time and money formats.
import type { AttemptOutcome } from '@pronto/contracts';
import { AGENT_STATE_LABELS } from '@pronto/pages/browser';
import type { AgentUpdate, Attempt, DesktopCommand, Disposition } from './protocol.ts';

const LOCALE = document.documentElement.lang || 'en';

export const APP_TITLE = 'Pronto agent';
export const STATE_LABELS = AGENT_STATE_LABELS;

export const STAGE_TEXT: Record<Attempt['stage'], string> = {
  offered: 'Incoming lead',
  dialing: 'Calling your phone…',
  ringing: 'Ringing the customer…',
  connected: 'Connected',
  wrap_up: 'Call ended · record the outcome',
  ended: 'Call ended',
};

export const OUTCOME_TEXT: Record<AttemptOutcome, string> = {
  contacted: 'contacted',
  no_answer: 'no answer',
  busy: 'busy',
  failed: 'call failed',
  invalid_number: 'invalid number',
  agent_missed: 'missed',
  voicemail: 'voicemail',
};

export const DISPOSITION_TEXT: Record<Disposition['code'], string> = {
  sale: 'sale',
  not_interested: 'not interested',
  callback: 'callback',
  wrong_person: 'wrong person',
  do_not_call: 'do not call',
  other: 'other',
};

/** Why the dispatcher took a lead off the desktop (the update's `reason`), in the agent's words. */
const RELEASE_TEXT: Record<string, string> = {
  reject: 'rejected',
  disposition: 'outcome saved',
  offer_expired: 'offer expired',
  call_ended: 'call ended',
  offline: 'released while you were offline',
};

/** Why the agent is paused (the snapshot's `pauseReason`), in the agent's words. */
const PAUSE_TEXT: Record<string, string> = {
  missed_offers:
    'two leads missed in a row (not accepted in time, or your phone did not answer or rejected the call)',
  break: 'break',
  lunch: 'lunch',
  training: 'training',
  meeting: 'meeting',
  other: 'other',
};

export const pauseText = (reason: string) => PAUSE_TEXT[reason] ?? humanize(reason).toLowerCase();

export const COMMAND_TEXT: Record<Exclude<DesktopCommand['type'], 'heartbeat'>, string> = {
  accept: 'Accept',
  reject: 'Reject',
  hangup: 'Hang up',
  disposition: 'Outcome',
  pause: 'Pause',
  resume: 'Resume',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** mm:ss, or h:mm:ss when an hour or more (a business-hours SLA can be due tomorrow morning). */
function formatSeconds(totalSeconds: number) {
  const seconds = Math.max(0, totalSeconds);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${pad(minutes)}:${pad(rest)}`;
}

// A countdown rounds up so it reads 05:00 at the start and 00:00 exactly at the deadline.
export const formatRemaining = (ms: number) => formatSeconds(Math.ceil(ms / 1000));
export const formatElapsed = (ms: number) => formatSeconds(Math.floor(ms / 1000));

export function formatNumber(value: number) {
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 }).format(value);
}

export function formatMoney(amount: number | null | undefined, currency: string | null | undefined) {
  if (amount === null || amount === undefined) return '—';
  return currency ? `${formatNumber(amount)} ${currency}` : formatNumber(amount);
}

export function formatClock(iso: string) {
  return new Intl.DateTimeFormat(LOCALE, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

function formatDateTime(date: Date) {
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
export function humanize(code: string | null | undefined) {
  if (!code) return '—';
  const words = String(code)
    .replace(/[_.-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The lead's own wall clock at `nowMs`, so the agent knows whether it is breakfast or dinner time there. */
export function leadLocalTime(timeZone: string | null, nowMs: number) {
  if (!timeZone) return '—';
  try {
    return new Intl.DateTimeFormat(LOCALE, {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      timeZone,
    }).format(new Date(nowMs));
  } catch {
    return '—';
  }
}

export function stateLabel(snapshot: AgentUpdate) {
  const label = STATE_LABELS[snapshot.state] ?? humanize(snapshot.state);
  return snapshot.state === 'paused' && snapshot.pauseReason
    ? `${label} · ${pauseText(snapshot.pauseReason)}`
    : label;
}

export function savedText(disposition: Disposition) {
  switch (disposition.code) {
    case 'sale':
      return `Saved: sale ${formatMoney(disposition.value, disposition.currency)}`;
    case 'callback':
      return `Saved: callback on ${formatDateTime(new Date(disposition.callbackAt ?? Number.NaN))}`;
    case 'do_not_call':
      return 'Saved: do not call · the number is on the DNC list';
    default:
      return `Saved: ${DISPOSITION_TEXT[disposition.code] ?? disposition.code}`;
  }
}

/** What became of the lead the agent just had, so a card that vanishes is not a mystery. */
export function lastLeadText(attempt: Attempt, reason: string) {
  const name = attempt.lead.name ?? 'unnamed';
  const outcome = attempt.disposition
    ? DISPOSITION_TEXT[attempt.disposition.code]
    : ((attempt.outcome ? OUTCOME_TEXT[attempt.outcome] : undefined) ??
      RELEASE_TEXT[reason] ??
      humanize(reason).toLowerCase());
  return `Last lead: ${name} · ${outcome}`;
}
