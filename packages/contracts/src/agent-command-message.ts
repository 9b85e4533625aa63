import Type from 'typebox';
import { Disposition } from './agent-state.ts';
import { defineMessage, type MessageOf } from './message-envelope.ts';

/**
 * What an agent did, on `agent-commands`, key: the agent id. The agent gateway publishes these
 * from the desktop's WebSocket messages; the dispatcher applies them.
 * - online: the desktop connected (the agent becomes available unless paused or busy)
 * - offline: the desktop disconnected or went silent (an offered lead goes back to the queue)
 * - pause / resume: with a reason
 * - accept / reject: the offer `attemptId`
 * - hangup: end the call in `attemptId`
 * - disposition: the outcome of the contact in `attemptId`
 */
export const AgentCommandV1 = defineMessage(
  'agent-commands',
  'agent.command',
  1,
  Type.Object({
    agentId: Type.String(),
    tenantId: Type.String(),
    command: Type.Enum(['online', 'offline', 'pause', 'resume', 'accept', 'reject', 'hangup', 'disposition']),
    at: Type.String({ format: 'date-time' }),
    attemptId: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
    disposition: Type.Optional(Disposition),
  }),
);
export type AgentCommandV1 = MessageOf<typeof AgentCommandV1>;
