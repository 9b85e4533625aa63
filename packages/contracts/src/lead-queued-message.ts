import Type from 'typebox';
import { defineMessage, type MessageOf } from './message-envelope.ts';
import { ScoreFactor } from './score-factor.ts';

/**
 * Published on `leads` when scoring has queued a lead, and again when a repeat intent re-scores
 * it; the dispatcher keeps the highest `leadVersion`. Key: tenant:campaign (one queue, in order).
 */
export const LeadQueuedV1 = defineMessage(
  'leads',
  'lead.queued',
  1,
  Type.Object({
    leadId: Type.String(),
    tenantId: Type.String(),
    campaignId: Type.String(),
    leadVersion: Type.Integer(),
    score: Type.Integer(),
    scoreFactors: Type.Array(ScoreFactor),
    receivedAt: Type.String({ format: 'date-time' }),
    anchorAt: Type.String({ format: 'date-time' }),
    dueAt: Type.String({ format: 'date-time' }),
    timeZone: Type.String(),
    intents: Type.Integer(),
  }),
);
export type LeadQueuedV1 = MessageOf<typeof LeadQueuedV1>;
