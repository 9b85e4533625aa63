/**
 * The KPI report's two queries. Parameters: $1 tenant, $2 from, $3 to (the period [from, to)),
 * $4 campaign slug or null, $5 now.
 */
export const KPI_GROUP_BY = ['agent', 'group', 'campaign'] as const;
export type KpiGroupBy = (typeof KPI_GROUP_BY)[number];

/** The states an agent is at work in (occupancy's numerator), and those it is ready in (its denominator). */
export const BUSY_STATES = ['offered', 'dialing', 'on_call', 'wrap_up'] as const;
export const READY_STATES = ['available', ...BUSY_STATES] as const;

const list = (states: readonly string[]) => states.map((state) => `'${state}'`).join(', ');

/** The tenant's campaigns in the report: all of them, or the one named. */
const CAMPAIGNS = `camp AS (
  SELECT id, slug, agent_groups FROM campaign WHERE tenant_id = $1 AND ($4::text IS NULL OR slug = $4))`;

/** Whose call a contact is, per slicing: the attempt's own agent, agent group and campaign. */
const CONTACT_KEY: Record<KpiGroupBy, string> = {
  agent: 'a.agent_id::text',
  group: 'a.agent_group',
  campaign: 'c.slug',
};

/**
 * The contacts of the period: attempts that reached the person (bridged) and whose call ended in it.
 * Talk is bridged..ended, handle adds the wrap-up ended..released (until now while still in wrap-up);
 * both are clipped to the period. A sale is a `sale` disposition; its value counts when it has one.
 * The survey of the contact, if any, carries its NPS score: a read of the surveys service's table
 * (the services share one database; reporting only reads it, as it reads the dispatcher's attempts).
 * docs/architecture.md lists each table with the service that writes it.
 */
export function contactFiguresSql(groupBy: KpiGroupBy | undefined): string {
  return `WITH ${CAMPAIGNS},
  contact AS (
    SELECT ${groupBy ? CONTACT_KEY[groupBy] : 'NULL::text'} AS slice,
           extract(epoch FROM a.ended_at - GREATEST(a.bridged_at, $2::timestamptz))::float8 AS talk,
           GREATEST(extract(epoch FROM LEAST(COALESCE(a.released_at, $5::timestamptz), $3::timestamptz)
                                       - a.ended_at)::float8, 0) AS wrap,
           COALESCE(a.disposition->>'code' = 'sale', false) AS sale,
           CASE WHEN jsonb_typeof(a.disposition->'value') = 'number'
                THEN (a.disposition->>'value')::float8 END AS value,
           a.disposition->>'currency' AS currency,
           s.id IS NOT NULL AS surveyed, s.score
      FROM attempt a
      JOIN lead l ON l.id = a.lead_id
      JOIN camp c ON c.id = COALESCE(a.campaign_id, l.campaign_id)
      LEFT JOIN survey s ON s.attempt_id = a.id
     WHERE l.tenant_id = $1 AND a.outcome = 'contacted' AND a.bridged_at IS NOT NULL
       AND a.ended_at >= $2 AND a.ended_at < $3)
  SELECT ${groupBy ? 'slice, GROUPING(slice) = 1' : 'NULL::text AS slice, true'} AS total,
         count(*)::int AS contacts,
         count(*) FILTER (WHERE sale)::int AS sales,
         avg(value) FILTER (WHERE sale) AS average_sale,
         count(DISTINCT currency) FILTER (WHERE sale AND value IS NOT NULL)::int AS currencies,
         min(currency) FILTER (WHERE sale AND value IS NOT NULL) AS currency,
         COALESCE(sum(talk), 0)::float8 AS talk,
         COALESCE(sum(talk + wrap), 0)::float8 AS handle,
         count(*) FILTER (WHERE surveyed)::int AS surveys_requested,
         count(score)::int AS surveys_answered,
         count(*) FILTER (WHERE score >= 9)::int AS promoters,
         count(*) FILTER (WHERE score BETWEEN 7 AND 8)::int AS passives,
         count(*) FILTER (WHERE score <= 6)::int AS detractors
    FROM contact GROUP BY ${groupBy ? 'GROUPING SETS ((), (slice))' : '()'}`;
}

/** Where an agent's time goes, per slicing: itself, each of its groups, each campaign served by one of them. */
const PRESENCE_SLICES: Record<KpiGroupBy, string> = {
  agent: `SELECT p.agent_id::text AS slice, p.login, p.busy, p.ready FROM presence p`,
  group: `SELECT k.slice, p.login, p.busy, p.ready
            FROM presence p JOIN ag ON ag.id = p.agent_id CROSS JOIN LATERAL unnest(ag.groups) AS k(slice)
           WHERE $4::text IS NULL OR k.slice IN (SELECT grp FROM scope_groups)`,
  campaign: `SELECT c.slug AS slice, p.login, p.busy, p.ready
               FROM presence p JOIN ag ON ag.id = p.agent_id JOIN camp c ON c.agent_groups && ag.groups`,
};

/**
 * Each agent's time in the period, from its closed state spans and the state it is in now (open
 * since agent.state_since, until now), clipped to the period: login is any state but offline; busy
 * and ready are occupancy's parts. With a campaign, the agents are those of the campaign's groups.
 */
export function presenceFiguresSql(groupBy: KpiGroupBy | undefined): string {
  return `WITH ${CAMPAIGNS},
  scope_groups AS (SELECT DISTINCT unnest(agent_groups) AS grp FROM camp),
  ag AS (
    SELECT g.id, g.groups FROM agent g
     WHERE g.tenant_id = $1 AND ($4::text IS NULL OR g.groups && ARRAY(SELECT grp FROM scope_groups))),
  span AS (
    SELECT s.agent_id, s.state, s.started_at AS span_from, s.ended_at AS span_to FROM agent_state_span s
     WHERE s.tenant_id = $1 AND s.started_at < $3 AND s.ended_at > $2
    UNION ALL
    SELECT g.id, g.state, g.state_since, $5::timestamptz FROM agent g
     WHERE g.tenant_id = $1 AND g.state_since < $3),
  clipped AS (
    SELECT span.agent_id, span.state,
           GREATEST(extract(epoch FROM LEAST(span_to, $3::timestamptz)
                                       - GREATEST(span_from, $2::timestamptz))::float8, 0) AS secs
      FROM span JOIN ag ON ag.id = span.agent_id),
  presence AS (
    SELECT agent_id,
           COALESCE(sum(secs) FILTER (WHERE state <> 'offline'), 0) AS login,
           COALESCE(sum(secs) FILTER (WHERE state IN (${list(BUSY_STATES)})), 0) AS busy,
           COALESCE(sum(secs) FILTER (WHERE state IN (${list(READY_STATES)})), 0) AS ready
      FROM clipped GROUP BY agent_id HAVING sum(secs) FILTER (WHERE state <> 'offline') > 0)
  ${
    groupBy
      ? `SELECT slice, false AS total, sum(login)::float8 AS login, sum(busy)::float8 AS busy, sum(ready)::float8 AS ready
           FROM (${PRESENCE_SLICES[groupBy]}) x GROUP BY slice
         UNION ALL `
      : ''
  }SELECT NULL::text AS slice, true AS total, COALESCE(sum(login), 0)::float8 AS login,
         COALESCE(sum(busy), 0)::float8 AS busy, COALESCE(sum(ready), 0)::float8 AS ready FROM presence`;
}
