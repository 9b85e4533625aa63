import Type, { type Static, type TSchema } from 'typebox';
import { AttemptOutcome } from './agent-state.ts';
import { ScoreFactor } from './score-factor.ts';

/**
 * A lead's lifecycle as data: its statuses, the facts of its history (each a `lead_history` row and,
 * for most, a `lead.event` on `lead-events`), the compliance gates and the SLA breach reasons. The
 * state machine itself is drawn in docs/architecture.md.
 */

/** A lead's status (`lead.status`): received -> queued -> offered -> dialing -> contacted -> dispositioned, with the side exits. */
export const LEAD_STATUSES = [
  'received',
  'suppressed',
  'queued',
  'offered',
  'dialing',
  'contacted',
  'waiting_retry',
  'expired',
  'dispositioned',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** The statuses of a lead waiting in its campaign's queue: due now, or due again after a missed attempt. */
export const WAITING_STATUSES: readonly LeadStatus[] = ['queued', 'waiting_retry'];

/** The compliance gates the dispatcher checks before every dial, in order (a `dial_blocked` fact names one). */
export const COMPLIANCE_GATES = [
  'suppressed',
  'dnc',
  'max_attempts',
  'max_attempts_24h',
  'outside_window',
] as const;
export type ComplianceGate = (typeof COMPLIANCE_GATES)[number];

/** Why a lead due and not contacted in time breached its SLA (the SLA report's reasons). */
export const BREACH_REASONS = [
  'no_agent_available',
  'no_answer_all_attempts',
  'outside_window',
  'agent_missed_offer',
  'dialer_error',
] as const;
export type BreachReason = (typeof BREACH_REASONS)[number];

/** Why an offer went back to the queue without a call to the person. */
export const OFFER_MISS_REASONS = [
  'rejected',
  'offer_timeout',
  'agent_offline',
  'agent_paused',
  'agent_phone_no_answer',
  'agent_phone_rejected',
] as const;
export type OfferMissReason = (typeof OFFER_MISS_REASONS)[number];

const Text = Type.String();
const NullableText = Type.Union([Type.String(), Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Opt = <S extends TSchema>(schema: S) => Type.Optional(schema);

/** The event of intake that opened or merged into the lead. */
const IntakeRef = {
  eventId: Text,
  intentEventId: Text,
  /** The intent event's type (form_submit, ...). */
  type: Text,
};
/** The zone scoring resolved for the lead, and where it came from. */
const ZoneFields = { zone: Opt(Text), zoneSource: Opt(Text), zoneNote: Opt(Text) };

/**
 * The detail of each fact, by the fact's name (the history row's `type`, the message's `event`).
 * Fields beyond these are allowed and kept: a newer producer may add optional ones.
 */
export const LeadFactDetails = {
  /** Intake opened the lead (history only). */
  received: Type.Object(IntakeRef),
  /** Intake merged a repeat intent into the open lead (history only). */
  merged: Type.Object(IntakeRef),
  /** Scoring's first score of the lead. */
  scored: Type.Object({ score: Type.Number(), factors: Type.Array(ScoreFactor), ...ZoneFields }),
  /** A repeat intent raised the score (the SLA is kept). */
  rescored: Type.Object({ score: Type.Number(), previous: Type.Number(), factors: Type.Array(ScoreFactor) }),
  /**
   * The lead will not be called: at intake (no consent: the intake fields), at scoring (a gate:
   * reason, why, score, zone), at the dial (`invalid_number`, why: the dialer's cause).
   */
  suppressed: Type.Object({
    reason: Opt(NullableText),
    why: Opt(NullableText),
    score: Opt(Type.Number()),
    ...ZoneFields,
    eventId: Opt(Text),
    intentEventId: Opt(Text),
    type: Opt(Text),
  }),
  /** The SLA is anchored: the lead waits for an agent. */
  queued: Type.Object({
    zone: Text,
    clock: Type.Enum(['calendar', 'business_hours']),
    anchorAt: DateTime,
    dueAt: DateTime,
    slaNote: Opt(Text),
  }),
  /** Scoring took up a lead it had not scored in time, from its stored intent (history only). */
  redriven: Type.Object({ step: Text, why: Text, intentEventId: Text }),
  /** ... and failed on it; never tried again (history only). */
  redrive_failed: Type.Object({ step: Text, error: Text }),
  /** Reporting's estimate of the due time of a lead still unscored (history only; scoring's `queued` replaces it). */
  sla_estimated: Type.Object({ zone: Text, anchorAt: DateTime, dueAt: DateTime, why: Text }),
  /** An agent was offered the lead. */
  offered: Type.Object({
    attemptId: Opt(Text),
    agentId: Text,
    group: Text,
    overflow: Type.Boolean(),
    slackSeconds: Type.Number(),
    offerExpiresAt: DateTime,
  }),
  /** The offer went back to the queue. */
  offer_missed: Type.Object({ attemptId: Text, agentId: Text, why: Type.Enum([...OFFER_MISS_REASONS]) }),
  /** The agent accepted: the dial starts. */
  dialing: Type.Object({ attemptId: Text, agentId: Text, attemptNumber: Type.Integer() }),
  /** The person is connected to the agent; met: by the due time (null: no due time). */
  contacted: Type.Object({
    attemptId: Text,
    agentId: Text,
    at: DateTime,
    firstContact: Type.Boolean(),
    met: Type.Union([Type.Boolean(), Type.Null()]),
  }),
  /** A dialed call ended, with its outcome and the telephony cause. */
  call_ended: Type.Object({ attemptId: Text, agentId: Text, outcome: AttemptOutcome, cause: NullableText }),
  /** The agent's outcome (the disposition's fields), or none (code null) with why. */
  dispositioned: Type.Object({
    attemptId: Text,
    agentId: Opt(Text),
    code: Type.Union([
      Type.Enum(['sale', 'not_interested', 'callback', 'wrong_person', 'do_not_call', 'other']),
      Type.Null(),
    ]),
    value: Opt(Type.Number()),
    currency: Opt(Text),
    callbackAt: Opt(DateTime),
    note: Opt(Text),
    why: Opt(Text),
  }),
  /** A compliance gate stopped the dial; retryAt: when it may be tried again. */
  dial_blocked: Type.Object({ gate: Type.Enum([...COMPLIANCE_GATES]), why: Text, retryAt: Opt(DateTime) }),
  /** A dial that did not reach the person: the next try. */
  retry_scheduled: Type.Object({
    retryAt: DateTime,
    delay: Type.Enum(['short', 'cadence']),
    why: Text,
    outcome: AttemptOutcome,
  }),
  /** Closed without a contact: a gate (reason) or the retry policy's caps (reason, why, lastOutcome). */
  expired: Type.Object({ reason: Text, why: Opt(Text), lastOutcome: Opt(Text) }),
  /** The retry time came: the lead is queued again. */
  requeued: Type.Object({ why: Text }),
};

export type LeadFactName = keyof typeof LeadFactDetails;
export const LEAD_FACT_NAMES = Object.keys(LeadFactDetails) as LeadFactName[];
export type LeadFactDetail<Name extends LeadFactName> = Static<(typeof LeadFactDetails)[Name]>;

/** One fact of a lead's history, typed by its name: what producers write. */
export type LeadFact = {
  [Name in LeadFactName]: { readonly type: Name; readonly detail: LeadFactDetail<Name> };
}[LeadFactName];

/** The facts reporting folds and the history keeps, written as history rows only (never on lead-events). */
export const HISTORY_ONLY_FACTS: ReadonlySet<LeadFactName> = new Set([
  'received',
  'merged',
  'redriven',
  'redrive_failed',
  'sla_estimated',
]);

export const isLeadFactName = (name: string): name is LeadFactName => Object.hasOwn(LeadFactDetails, name);
