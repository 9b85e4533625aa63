import Type from 'typebox';
import { defineMessage, type MessageOf } from './message-envelope.ts';

/**
 * Every transition of a lead (DESIGN "Lead lifecycle"), on `lead-events`, key: the lead id.
 * Reports are computed from these facts, so they can be recomputed.
 */
export const LeadEventV1 = defineMessage(
  'lead-events',
  'lead.event',
  1,
  Type.Object({
    leadId: Type.String(),
    tenantId: Type.String(),
    campaignId: Type.String(),
    leadVersion: Type.Integer(),
    event: Type.String({
      description: 'scored, merged, suppressed, queued, offered, ... (the lead history type)',
    }),
    at: Type.String({ format: 'date-time' }),
    status: Type.String({ description: "The lead's status after the transition." }),
    detail: Type.Record(Type.String(), Type.Unknown()),
  }),
);
export type LeadEventV1 = MessageOf<typeof LeadEventV1>;
