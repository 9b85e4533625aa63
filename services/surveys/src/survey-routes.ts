import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { fieldError, ProblemError } from '@pronto/http';
import Type from 'typebox';
import { npsCategory } from './nps.ts';
import { recordResponse } from './record-response.ts';

export interface SurveyRouteDeps {
  sql: SqlQueryable;
  now: () => Date;
}

/** How far ahead of the server's clock a provider's `respondedAt` may be (clock skew). */
const SKEW_MS = 5 * 60_000;

export const SurveyResponseRequest = Type.Object(
  {
    score: Type.Integer({ minimum: 0, maximum: 10, description: 'The reply to the NPS question, 0-10.' }),
    comment: Type.Optional(Type.String({ maxLength: 1000, description: 'Anything else the person wrote.' })),
    respondedAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the person replied (default: when received).' }),
    ),
  },
  { additionalProperties: false },
);

export const SurveyResponseSchema = Type.Object({
  surveyId: Type.String(),
  campaign: Type.String({ description: "The campaign's slug." }),
  attemptId: Type.String(),
  agentId: Type.Union([Type.String(), Type.Null()]),
  requestedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  score: Type.Integer({ minimum: 0, maximum: 10 }),
  category: Type.Union([Type.Literal('promoter'), Type.Literal('passive'), Type.Literal('detractor')], {
    description: '9-10 promoter, 7-8 passive, 0-6 detractor.',
  }),
  comment: Type.Union([Type.String(), Type.Null()]),
  answeredAt: Type.String({ format: 'date-time' }),
});

/** POST /v1/surveys/{id}/responses: the tenant's SMS integration forwards a person's NPS reply. */
export const surveyRoutes: FastifyPluginAsyncTypebox<SurveyRouteDeps> = async (app, deps) => {
  app.post(
    '/v1/surveys/:id/responses',
    {
      schema: {
        tags: ['surveys'],
        security: [{ signature: [] }],
        summary: "Record a person's reply to an NPS survey",
        description:
          'The id is the surveyId of a survey.requested message. 201: recorded; 200: the same score again (nothing changes); 409: the survey was answered with another score (the first answer stands); 410: more than 7 days after the question; 404: no such survey for this tenant.',
        params: Type.Object({ id: Type.String({ description: 'The survey id.' }) }),
        body: SurveyResponseRequest,
        response: {
          201: SurveyResponseSchema,
          200: SurveyResponseSchema,
          400: Problem,
          401: Problem,
          404: Problem,
          409: Problem,
          410: Problem,
          429: Problem,
          503: Problem,
        },
      },
    },
    async (request, reply) => {
      const now = deps.now();
      const respondedAt = request.body.respondedAt ? new Date(request.body.respondedAt) : now;
      if (respondedAt.getTime() > now.getTime() + SKEW_MS)
        throw new ProblemError('validation-error', 'The response has invalid fields', [
          fieldError('respondedAt', 'is in the future'),
        ]);
      const result = await recordResponse(deps.sql, {
        tenantId: request.tenantId,
        surveyId: request.params.id,
        score: request.body.score,
        comment: request.body.comment ?? null,
        respondedAt,
        now,
      });
      switch (result.kind) {
        case 'not_found':
          throw new ProblemError('not-found', 'No such survey for this tenant');
        case 'expired':
          throw new ProblemError('survey-expired', `Replies were taken until ${result.expiresAt}`);
        case 'conflict':
          throw new ProblemError(
            'survey-already-answered',
            `The survey was answered with ${result.response.score} at ${result.response.answeredAt}`,
          );
        default: {
          const response = { ...result.response, category: npsCategory(result.response.score) };
          if (result.kind === 'recorded')
            request.log.info(
              { surveyId: response.surveyId, attemptId: response.attemptId },
              'survey answered',
            );
          return reply.code(result.kind === 'recorded' ? 201 : 200).send(response);
        }
      }
    },
  );
};
