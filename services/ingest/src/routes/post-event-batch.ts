import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type EventBatchItemResult, EventBatchRequest, EventBatchResponse } from '@pronto/contracts';
import { isDatabaseUnavailable } from '@pronto/db';
import { problemBody } from '@pronto/http';
import { prepareEvent } from '../prepare-event.ts';
import type { PreparedEvent } from '../prepared-event.ts';
import type { EventRouteDeps } from './post-event.ts';
import { problemResponses } from './problem-responses.ts';

/** A batch may carry up to 500 events of up to 256 KB each in principle; 8 MB keeps memory bounded. */
export const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

export const postEventBatchRoute: FastifyPluginAsyncTypebox<EventRouteDeps> = async (app, deps) => {
  app.post(
    // "::" is find-my-way's escape for a literal ":" in a path.
    '/v1/events::batch',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      // Each item's eventId makes a resend safe (it answers the first answer): no replay check for it.
      config: { replayable: true },
      schema: {
        summary: 'Send up to 500 intent events',
        description:
          'Each item is checked and stored on its own terms and gets the answer a single POST /v1/events would have given (202, 200, 400 or 409; 500 or 503 for an item that could not be stored while others were). The answer comes after every stored item is committed.',
        tags: ['intake'],
        security: [{ signature: [] }],
        body: EventBatchRequest,
        response: {
          200: EventBatchResponse,
          ...problemResponses(400, 401, 413, 415, 429, 503),
        },
      },
    },
    async (request) => {
      const items = request.body.events;
      const results: EventBatchItemResult[] = new Array(items.length);
      const toWrite: { index: number; event: PreparedEvent }[] = [];
      await Promise.all(
        items.map(async (item, index) => {
          const prepared = await prepareEvent(item, undefined, request.tenantId, deps.campaigns);
          if (prepared.ok) toWrite.push({ index, event: prepared.event });
          else
            results[index] = {
              index,
              eventId: eventIdOf(item),
              status: 400,
              problem: problemBody('validation-error', `Event ${index} has invalid fields`, prepared.errors),
            };
        }),
      );
      const outcomes = await deps.writer.writeEach(toWrite.map((entry) => entry.event));
      // Nothing stored: the request fails as a whole (503 while the database is away), as one POST would.
      const failed = outcomes.find((outcome) => outcome.kind === 'failed');
      if (failed && outcomes.every((outcome) => outcome.kind === 'failed')) throw failed.error;
      outcomes.forEach((outcome, position) => {
        const { index, event } = toWrite[position] as { index: number; event: PreparedEvent };
        if (outcome.kind === 'failed') {
          // The others were stored: say so, and answer this one as its own POST would have been answered.
          const unavailable = isDatabaseUnavailable(outcome.error);
          if (!unavailable)
            request.log.error({ err: outcome.error, index }, 'batch item could not be stored');
          results[index] = {
            index,
            eventId: event.eventId,
            status: unavailable ? 503 : 500,
            problem: unavailable
              ? problemBody('service-unavailable', 'The database is unavailable; this event was not stored')
              : problemBody('internal-error', 'This event was not stored; send it again'),
          };
          return;
        }
        results[index] =
          outcome.kind === 'conflict'
            ? {
                index,
                eventId: event.eventId,
                status: 409,
                problem: problemBody(
                  'event-id-conflict',
                  `eventId "${event.eventId}" was already used with a different body`,
                ),
              }
            : {
                index,
                eventId: event.eventId,
                status: outcome.kind === 'accepted' ? 202 : 200,
                leadId: outcome.answer.leadId,
                result: outcome.answer.status,
              };
      });
      const accepted = results.filter((result) => result.status < 300).length;
      return { accepted, rejected: results.length - accepted, results };
    },
  );
};

function eventIdOf(item: unknown): string | null {
  const id = (item as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' ? id : null;
}
