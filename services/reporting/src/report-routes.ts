import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { GROUP_BY, perLeadSql, slaReport } from '@pronto/sla';
import Type from 'typebox';
import { PeriodQueryFields, periodOrProblem, Slices } from './report-query.ts';

export interface ReportRouteDeps {
  sql: SqlQueryable;
  now: () => Date;
}

const Seconds = Type.Union([Type.Number(), Type.Null()]);
const Percentiles = Type.Object({ p50: Seconds, p90: Seconds, p99: Seconds });
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const Figures = {
  eligible: Type.Integer({ description: 'Leads due in the period, minus suppressed ones.' }),
  met: Type.Integer({ description: 'Contacted by their due time.' }),
  breached: Type.Integer({ description: 'Due time passed without a contact by then.' }),
  open: Type.Integer({ description: 'Not contacted yet, due time still ahead.' }),
  suppressed: Type.Integer({ description: 'No consent, do-not-call, invalid number: shown, not counted.' }),
  attainment: Type.Union([Share], { description: 'met / eligible; null when nothing is eligible.' }),
  firstAttemptWithinSla: Type.Union([Share], {
    description: 'Share of eligible leads dialed by their due time.',
  }),
  speedToLead: Type.Union([Percentiles], {
    description:
      'Whole seconds from the SLA anchor to the first dial of eligible leads, rounded up; p50/p90/p99 are ' +
      'nearest-rank percentiles: at least that share of those leads were dialed within that many seconds.',
  }),
  speedToContact: Type.Union([Percentiles], {
    description:
      'Whole seconds from the SLA anchor to the contact of eligible leads, rounded up; p50/p90/p99 are ' +
      'nearest-rank percentiles: at least that share of the contacted leads were contacted within that many seconds.',
  }),
  contactRate: Type.Union([Share], { description: 'Share of eligible leads contacted at all.' }),
  breachReasons: Type.Object({
    no_agent_available: Type.Integer(),
    no_answer_all_attempts: Type.Integer(),
    outside_window: Type.Integer(),
    agent_missed_offer: Type.Integer(),
    dialer_error: Type.Integer(),
  }),
};
export const SlaReportSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  campaign: Type.Union([Type.String(), Type.Null()]),
  groupBy: Type.Union([Type.String(), Type.Null()]),
  generatedAt: Type.String({ format: 'date-time' }),
  ...Figures,
  slices: Slices(
    Figures,
    "The campaign's slug, the agent's id, the group, or the hour (0-23, lead's zone); null: none.",
  ),
});

const ReportQuery = Type.Object(
  {
    ...PeriodQueryFields,
    group: Type.Optional(
      Type.String({
        description: 'An agent group: leads contacted, else first dialed, by it (default: all).',
      }),
    ),
    groupBy: Type.Optional(Type.Union(GROUP_BY.map((key) => Type.Literal(key)))),
  },
  { additionalProperties: false },
);

/** A lead's agent group, as slaReport's `group` filter reads it: the contact's, else the first dial's. */
const SLICE_KEY_GROUP = 'COALESCE(contact_group, first_attempt_group)';

const CSV_COLUMNS = [
  'lead_id',
  'campaign',
  'first_seen_at',
  'anchor_at',
  'due_at',
  'first_attempt_at',
  'contacted_at',
  'result',
  'breach_reason',
  'suppression_reason',
  'agent_id',
  'agent_group',
  'seconds_to_first_attempt',
  'seconds_to_contact',
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** GET /v1/reports/sla and /v1/reports/sla.csv, for a tenant's signed requests. */
export const reportRoutes: FastifyPluginAsyncTypebox<ReportRouteDeps> = async (app, deps) => {
  const common = {
    tags: ['reports'],
    security: [{ signature: [] }],
    querystring: ReportQuery,
  };
  app.get(
    '/v1/reports/sla',
    {
      schema: {
        ...common,
        summary: 'SLA attainment over a period, overall and per slice',
        description:
          'Leads whose due time falls in the period (suppressed ones: their arrival), counted as docs/reports.md "The SLA" defines.',
        response: { 200: SlaReportSchema, 400: Problem, 401: Problem, 429: Problem, 503: Problem },
      },
    },
    async (request) => {
      const now = deps.now();
      const period = periodOrProblem(request.query, now);
      return slaReport(deps.sql, {
        tenantId: request.tenantId,
        ...period,
        ...(request.query.campaign ? { campaign: request.query.campaign } : {}),
        ...(request.query.group ? { group: request.query.group } : {}),
        ...(request.query.groupBy ? { groupBy: request.query.groupBy } : {}),
        now,
      });
    },
  );
  app.get(
    '/v1/reports/sla.csv',
    {
      schema: {
        ...common,
        summary: 'The leads of an SLA report, one row per lead (CSV)',
        description: `Columns: ${CSV_COLUMNS.join(', ')}. Times in UTC (ISO 8601), empty when none. Errors as for GET /v1/reports/sla (problem+json).`,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const now = deps.now();
      const period = periodOrProblem(request.query, now);
      const rows = await deps.sql.query<Record<string, unknown>>(
        `SELECT lead_id, campaign_slug AS campaign, first_seen_at, anchor_at, due_at, first_attempt_at, contacted_at,
                result, CASE WHEN result = 'breached' THEN reason END AS breach_reason, suppression_reason,
                COALESCE(contact_agent_id, first_attempt_agent_id) AS agent_id,
                COALESCE(contact_group, first_attempt_group) AS agent_group,
                extract(epoch FROM first_attempt_at - anchor_at)::float8 AS seconds_to_first_attempt,
                extract(epoch FROM contacted_at - anchor_at)::float8 AS seconds_to_contact
           FROM (${perLeadSql(undefined)}) l
          WHERE result <> 'no_sla' AND ($6::text IS NULL OR ${SLICE_KEY_GROUP} = $6)
          ORDER BY COALESCE(due_at, first_seen_at), lead_id`,
        [
          request.tenantId,
          period.from.toISOString(),
          period.to.toISOString(),
          request.query.campaign ?? null,
          now.toISOString(),
          request.query.group ?? null,
        ],
      );
      const lines = [CSV_COLUMNS.join(',')];
      for (const row of rows) lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
      const name = `sla-${period.from.toISOString().slice(0, 10)}-${period.to.toISOString().slice(0, 10)}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(`${lines.join('\r\n')}\r\n`);
    },
  );
};
