import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EventAnswer, IntentEvent } from '@pronto/contracts';
import { ProblemError } from '@pronto/http';
import type { CampaignDirectory } from '../campaign-directory.ts';
import type { EventWriter } from '../event-writer.ts';
import { prepareEvent } from '../prepare-event.ts';
import { problemResponses } from './problem-responses.ts';

export interface EventRouteDeps {
  writer: EventWriter;
  campaigns: CampaignDirectory;
}

const problems = problemResponses(400, 401, 409, 413, 415, 429, 503);

export const postEventRoute: FastifyPluginAsyncTypebox<EventRouteDeps> = async (app, deps) => {
  app.post(
    '/v1/events',
    {
      // eventId makes a resend safe (it answers the first answer): no replay check, no write for it.
      config: { replayable: true },
      schema: {
        summary: 'Send one intent event',
        description:
          'Answers 202 only after the event, its lead and its outbox message are committed. The same eventId with the same body answers 200 with the first answer; with another body, 409.',
        tags: ['intake'],
        security: [{ signature: [] }],
        body: IntentEvent,
        response: { 202: EventAnswer, 200: EventAnswer, ...problems },
      },
    },
    async (request, reply) => {
      const prepared = await prepareEvent(
        request.body,
        request.rawBody.toString('utf8'),
        request.tenantId,
        deps.campaigns,
      );
      if (!prepared.ok)
        throw new ProblemError('validation-error', 'The event has invalid fields', prepared.errors);
      const [outcome] = await deps.writer.write([prepared.event]);
      if (!outcome || outcome.kind === 'conflict') {
        throw new ProblemError(
          'event-id-conflict',
          `eventId "${prepared.event.eventId}" was already used with a different body`,
        );
      }
      request.log.debug(
        { leadId: outcome.answer.leadId, eventId: outcome.answer.eventId, status: outcome.answer.status },
        'event stored',
      );
      return reply
        .code(outcome.kind === 'accepted' ? 202 : 200)
        .header('location', `/v1/leads/${outcome.answer.leadId}`)
        .send(outcome.answer);
    },
  );
};
