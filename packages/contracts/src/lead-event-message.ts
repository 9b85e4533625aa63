import Type from 'typebox';
import {
  LEAD_FACT_NAMES,
  type LeadFactDetail,
  LeadFactDetails,
  type LeadFactName,
} from './lead-lifecycle.ts';
import { defineMessage, type MessageOf } from './message-envelope.ts';

/**
 * Every transition of a lead (docs/architecture.md, "Lead lifecycle"), on `lead-events`, key: the
 * lead id. Reports are computed from these facts, so they can be recomputed.
 *
 * The wire is the same for every fact: `event` names it (the lead history's `type`) and `detail`
 * carries its fields, typed per fact in lead-lifecycle.ts (LeadFactDetails). A consumer built before
 * the details were typed reads them as a plain record; one built after reads them typed.
 *
 * Version rule for `lead.event` v1: producers write every field LeadFactDetails types as required;
 * consumers read every detail field as optional (a message written before the field existed lacks
 * it) and refuse only a field of the wrong type. A fact's detail only grows, by fields older readers
 * may ignore; a field is never removed, renamed or retyped; a new fact name may be added (a consumer
 * that does not know it passes it by: the last branch below accepts any other name with any
 * detail). Anything else is `lead.event` v2, published beside v1 until every consumer reads v2. So
 * during a rolling upgrade old and new producers and consumers read each other's messages.
 */
const Common = {
  leadId: Type.String(),
  tenantId: Type.String(),
  campaignId: Type.String(),
  leadVersion: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  status: Type.String({ description: "The lead's status after the transition (LEAD_STATUSES)." }),
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const LeadEventV1 = defineMessage(
  'lead-events',
  'lead.event',
  1,
  // Typed as what it accepts (the union's static type is wider than TypeScript infers from a mapped array).
  Type.Unsafe<ReceivedLeadEventPayload | UnknownLeadEventPayload>(
    Type.Union([
      // Read leniently: every field of a known detail may be missing (never mistyped).
      ...LEAD_FACT_NAMES.map((name) =>
        Type.Object({ ...Common, event: Type.Literal(name), detail: Type.Partial(LeadFactDetails[name]) }),
      ),
      // A fact this version does not know (from a newer producer): any detail, passed by.
      Type.Object({
        ...Common,
        event: Type.String({ pattern: `^(?!(?:${LEAD_FACT_NAMES.map(escapeRegExp).join('|')})$)` }),
        detail: Type.Record(Type.String(), Type.Unknown()),
      }),
    ]),
  ),
);

interface Envelope {
  id: string;
  occurredAt: string;
  key: string;
}
interface LeadEventCommon {
  leadId: string;
  tenantId: string;
  campaignId: string;
  leadVersion: number;
  at: string;
  /** The lead's status after the transition: a LeadStatus (a newer producer may add one). */
  status: string;
}

/** A known fact's payload, discriminated by `event`. */
export type LeadEventPayload = {
  [Name in LeadFactName]: LeadEventCommon & { event: Name; detail: LeadFactDetail<Name> };
}[LeadFactName];

/** A known fact as a consumer reads it: typed, but any field may be missing (see the version rule). */
export type ReceivedLeadEventPayload = {
  [Name in LeadFactName]: LeadEventCommon & { event: Name; detail: Partial<LeadFactDetail<Name>> };
}[LeadFactName];

/** A fact named by a newer producer: its detail is a plain record. */
export type UnknownLeadEventPayload = LeadEventCommon & {
  event: string;
  detail: Record<string, unknown>;
};

/** A `lead.event` as producers write it: a known fact, typed. */
export type LeadEventV1 = Envelope & { type: 'lead.event'; version: 1; payload: LeadEventPayload };

/** A `lead.event` as a consumer validates it: a known fact, or one named by a newer producer. */
export type ReceivedLeadEventV1 = MessageOf<typeof LeadEventV1>;

/** The known fact, typed, or undefined for a fact a newer producer named. */
export function knownLeadEvent(
  payload: ReceivedLeadEventV1['payload'],
): ReceivedLeadEventPayload | undefined {
  return Object.hasOwn(LeadFactDetails, payload.event) ? (payload as ReceivedLeadEventPayload) : undefined;
}
