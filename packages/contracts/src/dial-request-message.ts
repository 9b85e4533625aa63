import Type from 'typebox';
import { defineMessage, type MessageOf } from './message-envelope.ts';

/**
 * The dispatcher asks the dialer to place (`originate`) or end (`hangup`) the call of one attempt,
 * on `dial-requests`, key: the attempt id. Agent-first: the dialer rings the agent's endpoint, then
 * the person, and bridges them. Any dialer (simulated, Asterisk) answers with `call-events`.
 */
export const DialRequestV1 = defineMessage(
  'dial-requests',
  'dial.request',
  1,
  Type.Object({
    action: Type.Enum(['originate', 'hangup']),
    attemptId: Type.String(),
    leadId: Type.String(),
    tenantId: Type.String(),
    campaignId: Type.String(),
    agentId: Type.String(),
    agentEndpoint: Type.Union([Type.String(), Type.Null()], { description: "The agent's SIP endpoint" }),
    phone: Type.String({ description: 'E.164' }),
    callerId: Type.Union([Type.String(), Type.Null()]),
    ringTimeoutSeconds: Type.Integer({ minimum: 1 }),
  }),
);
export type DialRequestV1 = MessageOf<typeof DialRequestV1>;
