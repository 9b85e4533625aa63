import Type, { type Static } from 'typebox';

export const EventStatus = Type.Enum(['accepted', 'merged', 'suppressed'], {
  description:
    'accepted: a new lead; merged: joined the open lead of the same person; suppressed: kept but never called.',
});
export type EventStatus = Static<typeof EventStatus>;

/** The answer to an accepted event: 202 the first time, 200 with the same body on a replay. */
export const EventAnswer = Type.Object({
  eventId: Type.String(),
  leadId: Type.String({ format: 'uuid' }),
  status: EventStatus,
});
export type EventAnswer = Static<typeof EventAnswer>;
