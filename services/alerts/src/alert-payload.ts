import { BREACH_REASONS } from '@pronto/sla';
import Type, { type Static } from 'typebox';

const Time = Type.String({ format: 'date-time' });
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

const Common = {
  id: Type.String({
    format: 'uuid',
    description: 'The alert; also in Pronto-Alert-Id. A retry carries the same.',
  }),
  occurredAt: Type.Union([Time], { description: 'When it happened (a breach: the due time).' }),
  tenant: Type.String({ description: "The tenant's slug." }),
  campaign: Type.String({ description: "The campaign's slug." }),
};

/** A lead whose due time passed with no contact by then (docs/architecture.md, the SLA definitions). */
export const LeadBreachedAlert = Type.Object({
  type: Type.Literal('lead.breached'),
  ...Common,
  leadId: Type.String({ format: 'uuid' }),
  dueAt: Time,
  reason: Type.Enum(BREACH_REASONS, { description: 'Why it was not contacted in time.' }),
  attempts: Type.Integer({ description: 'Dials of the person started by the due time.' }),
  detail: Type.String({ description: 'The reason, in a sentence.' }),
});
export type LeadBreachedAlert = Static<typeof LeadBreachedAlert>;

/** A campaign's live attainment crossing its threshold, down (below_threshold) or back up (recovered). */
export const AttainmentAlert = Type.Object({
  type: Type.Union([Type.Literal('attainment.below_threshold'), Type.Literal('attainment.recovered')]),
  ...Common,
  attainment: Share,
  threshold: Type.Number({ minimum: 0, maximum: 1 }),
  eligible: Type.Integer(),
  met: Type.Integer(),
  breached: Type.Integer(),
  window: Type.Object(
    { from: Time, to: Time },
    { description: 'The live window: leads due in the last 15 minutes.' },
  ),
});
export type AttainmentAlert = Static<typeof AttainmentAlert>;

export type AlertPayload = LeadBreachedAlert | AttainmentAlert;
export type AlertKind = AlertPayload['type'];
