import Type from 'typebox';
import { AttemptOutcome } from './agent-state.ts';
import { defineMessage, type MessageOf } from './message-envelope.ts';

/**
 * What happened to a dialed attempt, on `call-events`, key: the attempt id, in this order:
 * originated (the agent's leg is up) -> ringing (the person's phone rings) -> answered (the person
 * picked up) -> bridged (the person is connected to the agent: the contact) -> ended (with the
 * outcome). A call that fails skips to `ended`.
 */
export const CallEventV1 = defineMessage(
  'call-events',
  'call.event',
  1,
  Type.Object({
    attemptId: Type.String(),
    leadId: Type.String(),
    tenantId: Type.String(),
    campaignId: Type.String(),
    agentId: Type.String(),
    phase: Type.Enum(['originated', 'ringing', 'answered', 'bridged', 'ended']),
    at: Type.String({ format: 'date-time' }),
    outcome: Type.Optional(AttemptOutcome),
    /** The telephony cause on `ended` (Asterisk's Hangup cause text, or the simulator's). */
    cause: Type.Optional(Type.String()),
    /** The Q.850 cause code behind `cause`, when the dialer has one (Asterisk's Hangup `Cause`). */
    causeCode: Type.Optional(Type.Integer({ minimum: 0 })),
    /** On `ended`: who ended the call. `dialer` = asked by the dispatcher; `network` = the carrier or the PBX. */
    hangupBy: Type.Optional(Type.Enum(['agent', 'person', 'dialer', 'network'])),
    uniqueId: Type.Optional(Type.String()),
    linkedId: Type.Optional(Type.String()),
  }),
);
export type CallEventV1 = MessageOf<typeof CallEventV1>;
