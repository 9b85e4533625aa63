import Type from 'typebox';
import { EventStatus } from './event-answer.ts';
import { IntentEvent } from './intent-event.ts';
import { defineMessage, type MessageOf } from './message-envelope.ts';

/** Published on `intents` for every newly accepted event; scoring consumes it. Key: the lead id. */
export const IntentReceivedV1 = defineMessage(
  'intents',
  'intent.received',
  1,
  Type.Object({
    tenantId: Type.String(),
    campaignId: Type.String(),
    leadId: Type.String(),
    intentEventId: Type.String(),
    status: EventStatus,
    phoneE164: Type.String(),
    receivedAt: Type.String({ format: 'date-time' }),
    event: IntentEvent,
  }),
);
export type IntentReceivedV1 = MessageOf<typeof IntentReceivedV1>;
