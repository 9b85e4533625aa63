import Type, { type Static } from 'typebox';
import { EventStatus } from './event-answer.ts';
import { Problem } from './problem.ts';
import { CHECKED_APART } from './storable-text.ts';

export const MAX_BATCH_EVENTS = 500;

/** Items are checked one by one, so one bad event does not refuse the others. */
export const EventBatchRequest = Type.Object(
  {
    events: Type.Array(Type.Unknown({ description: 'An IntentEvent', [CHECKED_APART]: true }), {
      minItems: 1,
      maxItems: MAX_BATCH_EVENTS,
    }),
  },
  { additionalProperties: false },
);
export type EventBatchRequest = Static<typeof EventBatchRequest>;

export const EventBatchItemResult = Type.Object({
  index: Type.Integer({ description: 'Position of the event in the request.' }),
  eventId: Type.Union([Type.String(), Type.Null()]),
  status: Type.Integer({
    description:
      'What a single POST /v1/events would have answered: 202, 200, 400 or 409 (500 or 503: not stored, send it again).',
  }),
  leadId: Type.Optional(Type.String({ format: 'uuid' })),
  result: Type.Optional(EventStatus),
  problem: Type.Optional(Problem),
});
export type EventBatchItemResult = Static<typeof EventBatchItemResult>;

export const EventBatchResponse = Type.Object({
  accepted: Type.Integer({ description: 'Items answered 202 or 200.' }),
  rejected: Type.Integer({ description: 'Items answered 400, 409, 500 or 503.' }),
  results: Type.Array(EventBatchItemResult),
});
export type EventBatchResponse = Static<typeof EventBatchResponse>;
