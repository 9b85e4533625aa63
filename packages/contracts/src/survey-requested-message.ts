import Type from 'typebox';
import { defineMessage, type MessageOf } from './message-envelope.ts';

/**
 * An NPS question to send to a person after a contact, on `survey-requests`, key: the survey id.
 * The tenant's SMS provider integration reads it, texts `question`, and posts the reply (0-10) to
 * `respondUrl`, signed with the tenant's key. The message id is the survey id, so a copy delivered
 * twice can be told apart from a second survey. It carries the whole phone number because the
 * provider needs it: it is never logged.
 */
export const SurveyRequestedV1 = defineMessage(
  'survey-requests',
  'survey.requested',
  1,
  Type.Object({
    surveyId: Type.String({ format: 'uuid' }),
    tenantId: Type.String(),
    campaign: Type.String({ description: "The campaign's slug." }),
    leadId: Type.String(),
    attemptId: Type.String({ description: 'The contacted attempt the question is about.' }),
    agentId: Type.Union([Type.String(), Type.Null()]),
    phone: Type.String({
      pattern: '^\\+[1-9][0-9]{6,14}$',
      description: 'E.164: where to send the question.',
    }),
    locale: Type.String({ description: "BCP 47: the person's locale from their intent, else en." }),
    question: Type.String({
      description: "The question, in the locale's language when Pronto has it (en, pl), else English.",
    }),
    expiresAt: Type.String({ format: 'date-time', description: 'Replies after this are refused (410).' }),
    respondUrl: Type.String({
      description: 'The path to POST the reply to: /v1/surveys/{surveyId}/responses.',
    }),
  }),
);
export type SurveyRequestedV1 = MessageOf<typeof SurveyRequestedV1>;
