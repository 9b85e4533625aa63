import type { SqlQueryable, SurveyRow as Survey } from '@pronto/db';

export interface SurveyResponse {
  surveyId: string;
  campaign: string;
  attemptId: string;
  agentId: string | null;
  requestedAt: string;
  expiresAt: string;
  score: number;
  comment: string | null;
  answeredAt: string;
}

export interface ResponseInput {
  tenantId: string;
  surveyId: string;
  score: number;
  comment: string | null;
  /** When the person replied (the provider's time), else now. */
  respondedAt: Date;
  now: Date;
}

/**
 * What became of a reply: `recorded` (the first one), `repeated` (the same score again: a provider's
 * retry), `conflict` (another score for an answered survey: the first answer stands), `expired`,
 * `not_found` (no such survey for this tenant).
 */
export type ResponseResult =
  | { kind: 'recorded' | 'repeated'; response: SurveyResponse }
  | { kind: 'conflict'; response: SurveyResponse }
  | { kind: 'expired'; expiresAt: string }
  | { kind: 'not_found' };

/** A survey with its campaign's slug, as RETURNING reads it. */
type SurveyRow = Pick<
  Survey,
  'id' | 'attempt_id' | 'agent_id' | 'requested_at' | 'expires_at' | 'score' | 'comment' | 'answered_at'
> & { campaign: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RETURNING = `s.id::text, c.slug AS campaign, s.attempt_id::text, s.agent_id::text, s.requested_at,
                   s.expires_at, s.score, s.comment, s.answered_at`;

function responseOf(row: SurveyRow): SurveyResponse {
  return {
    surveyId: row.id,
    campaign: row.campaign,
    attemptId: row.attempt_id,
    agentId: row.agent_id,
    requestedAt: new Date(row.requested_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    score: Number(row.score),
    comment: row.comment,
    answeredAt: new Date(row.answered_at as Date).toISOString(),
  };
}

/**
 * Records a person's reply to a survey, once. The update only takes an unanswered survey, so two
 * replies racing each other leave the first one, and the second is told which it was.
 */
export async function recordResponse(sql: SqlQueryable, input: ResponseInput): Promise<ResponseResult> {
  if (!UUID.test(input.surveyId)) return { kind: 'not_found' };
  const [updated] = await sql.query<SurveyRow>(
    // A reply cannot come before its question: a provider's clock that says so is behind.
    `UPDATE survey s SET score = $3, comment = $4, answered_at = GREATEST($5::timestamptz, s.requested_at)
       FROM campaign c
      WHERE s.id = $1 AND s.tenant_id = $2 AND c.id = s.campaign_id
        AND s.answered_at IS NULL AND s.expires_at >= $6
     RETURNING ${RETURNING}`,
    [
      input.surveyId,
      input.tenantId,
      input.score,
      input.comment,
      input.respondedAt.toISOString(),
      input.now.toISOString(),
    ],
  );
  if (updated) return { kind: 'recorded', response: responseOf(updated) };
  const [row] = await sql.query<SurveyRow>(
    `SELECT ${RETURNING} FROM survey s JOIN campaign c ON c.id = s.campaign_id WHERE s.id = $1 AND s.tenant_id = $2`,
    [input.surveyId, input.tenantId],
  );
  if (!row) return { kind: 'not_found' };
  if (row.answered_at === null) return { kind: 'expired', expiresAt: new Date(row.expires_at).toISOString() };
  return { kind: Number(row.score) === input.score ? 'repeated' : 'conflict', response: responseOf(row) };
}
