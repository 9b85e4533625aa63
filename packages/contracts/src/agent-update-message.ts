import Type from 'typebox';
import { AgentState, AttemptOutcome, Disposition } from './agent-state.ts';
import { defineMessage, type MessageOf } from './message-envelope.ts';
import { ScoreFactor } from './score-factor.ts';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

/** What the desktop shows about the lead in hand. The phone is null until the agent accepts. */
export const OfferedLead = Type.Object({
  leadId: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()], { description: 'E.164, revealed on accept' }),
  campaign: Type.String({ description: "The campaign's name" }),
  product: Type.Union([Type.String(), Type.Null()]),
  amount: Type.Union([Type.Number(), Type.Null()]),
  currency: Type.Union([Type.String(), Type.Null()]),
  termMonths: Type.Union([Type.Integer(), Type.Null()]),
  eligibility: Type.Union([Type.String(), Type.Null()]),
  intentType: Type.String({
    description: 'The latest intent event type, e.g. cash_loan.eligibility_checked',
  }),
  intentAt: Type.String({ format: 'date-time' }),
  intents: Type.Integer(),
  pageUrl: Type.Union([Type.String(), Type.Null()]),
  score: Type.Integer(),
  scoreFactors: Type.Array(ScoreFactor),
  receivedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  timeZone: Type.Union([Type.String(), Type.Null()]),
  attemptNumber: Type.Integer({ description: '1 for the first dial of this lead' }),
});

/**
 * The agent's whole situation after a change, on `offers`, key: the agent id. The dispatcher
 * publishes one on every change of the agent or of the attempt it holds; the gateway forwards the
 * latest to the agent's desktop. A snapshot, not a delta: the newest `agentVersion` wins.
 */
export const AgentUpdateV1 = defineMessage(
  'offers',
  'agent.update',
  1,
  Type.Object({
    agentId: Type.String(),
    tenantId: Type.String(),
    agentVersion: Type.Integer(),
    state: AgentState,
    pauseReason: Type.Union([Type.String(), Type.Null()]),
    stateSince: Type.String({ format: 'date-time' }),
    /** Why this update was sent: offered, offer_expired, accepted, call_progress, dispositioned, ... */
    reason: Type.String(),
    attempt: Type.Union([
      Type.Object({
        attemptId: Type.String(),
        stage: Type.Enum(['offered', 'dialing', 'ringing', 'connected', 'wrap_up', 'ended']),
        offeredAt: Type.String({ format: 'date-time' }),
        offerExpiresAt: Time,
        acceptedAt: Time,
        dialedAt: Time,
        answeredAt: Time,
        endedAt: Time,
        outcome: Type.Union([AttemptOutcome, Type.Null()]),
        disposition: Type.Union([Disposition, Type.Null()]),
        lead: OfferedLead,
      }),
      Type.Null(),
    ]),
  }),
);
export type AgentUpdateV1 = MessageOf<typeof AgentUpdateV1>;
