import { appendToOutbox } from '@pronto/bus';
import { SurveyRequestedV1 } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { surveyQuestion } from './survey-question.ts';

/**
 * The relay name of the surveys' outbox rows. The questions were asked by the reporting service
 * before surveys became a service of their own, and rows it wrote then may still wait in the outbox:
 * the name stays, so the surveys' relay publishes them too.
 */
export const SURVEY_RELAY = 'reporting';
/** A reply later than this after the question is refused (410). */
export const SURVEY_TTL_MS = 7 * 86_400_000;
/** Outcomes after which the person is not asked: they asked not to be contacted, or were not the person. */
const NOT_ASKED: ReadonlySet<unknown> = new Set(['do_not_call', 'wrong_person']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DispositionedFact {
  tenantId: string;
  /** When the attempt was dispositioned (the lead event's time): the question is asked from then. */
  at: Date;
  detail: Record<string, unknown>;
}

/**
 * Asks for an NPS score about a contacted attempt, once: the survey row and its `survey.requested`
 * message are written in the caller's transaction, so a crash loses neither and a redelivered lead
 * event (the same attempt) writes nothing. Returns the new survey's id, or null when no question is
 * due (not a contact, a number on the do-not-call list, or already asked).
 *
 * Asked when the attempt is dispositioned rather than when the call ends: only the disposition says
 * whether the person may be texted at all (do_not_call, wrong_person), and the agent's wrap-up is over.
 */
export async function requestSurvey(
  tx: SqlQueryable,
  fact: DispositionedFact,
  now: Date,
): Promise<string | null> {
  const attemptId = fact.detail.attemptId;
  if (typeof attemptId !== 'string' || !UUID.test(attemptId) || NOT_ASKED.has(fact.detail.code)) return null;
  const [survey] = await tx.query<{
    id: string;
    lead_id: string;
    agent_id: string | null;
    phone_e164: string;
    campaign: string;
    company: string;
    locale: string | null;
    expires_at: Date;
  }>(
    `WITH asked AS (
       INSERT INTO survey (tenant_id, campaign_id, lead_id, attempt_id, agent_id, requested_at, expires_at)
       SELECT l.tenant_id, l.campaign_id, l.id, a.id, a.agent_id, $3, $4
         FROM attempt a JOIN lead l ON l.id = a.lead_id
        WHERE a.id = $1 AND l.tenant_id = $2 AND a.outcome = 'contacted' AND a.bridged_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM dnc_entry d WHERE d.tenant_id = l.tenant_id AND d.phone_e164 = l.phone_e164)
       ON CONFLICT (attempt_id) DO NOTHING
       RETURNING id, lead_id, agent_id, campaign_id, tenant_id, expires_at)
     SELECT s.id::text, s.lead_id::text, s.agent_id::text, l.phone_e164, c.slug AS campaign, t.name AS company,
            (SELECT e.raw_body::jsonb #>> '{person,locale}' FROM intent_event e
              WHERE e.lead_id = s.lead_id ORDER BY e.received_at DESC LIMIT 1) AS locale,
            s.expires_at
       FROM asked s JOIN lead l ON l.id = s.lead_id JOIN campaign c ON c.id = s.campaign_id
       JOIN tenant t ON t.id = s.tenant_id`,
    [
      attemptId,
      fact.tenantId,
      fact.at.toISOString(),
      new Date(fact.at.getTime() + SURVEY_TTL_MS).toISOString(),
    ],
  );
  if (!survey) return null;
  const locale = survey.locale ?? 'en';
  const message: SurveyRequestedV1 = {
    type: 'survey.requested',
    version: 1,
    id: survey.id,
    occurredAt: fact.at.toISOString(),
    key: survey.id,
    payload: {
      surveyId: survey.id,
      tenantId: fact.tenantId,
      campaign: survey.campaign,
      leadId: survey.lead_id,
      attemptId,
      agentId: survey.agent_id,
      phone: survey.phone_e164,
      locale,
      question: surveyQuestion(locale, survey.company),
      expiresAt: new Date(survey.expires_at).toISOString(),
      respondUrl: `/v1/surveys/${survey.id}/responses`,
    },
  };
  await appendToOutbox(tx, [{ topic: SurveyRequestedV1.topic, message }], now, SURVEY_RELAY);
  return survey.id;
}
