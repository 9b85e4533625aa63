import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import Type from 'typebox';
import { PeriodQueryFields, periodOrProblem, Slices } from '../report-query.ts';
import { kpiReport } from './kpi-report.ts';
import { KPI_GROUP_BY } from './kpi-sql.ts';

export interface KpiRouteDeps {
  sql: SqlQueryable;
  now: () => Date;
}

const Nullable = (schema: ReturnType<typeof Type.Number>) => Type.Union([schema, Type.Null()]);
const Figures = {
  contacts: Type.Integer({
    description: 'Attempts that reached the person (bridged) whose call ended in the period.',
  }),
  contactsPerHour: Nullable(
    Type.Number({ description: 'contacts per login hour; null without login time.' }),
  ),
  sales: Type.Integer({ description: 'Contacts with the disposition sale.' }),
  salesPerHour: Nullable(
    Type.Number({ description: 'Sales per login hour (SPH); null without login time.' }),
  ),
  averageSaleValue: Nullable(
    Type.Number({
      description:
        'Mean value of the sales that have one; null with none, or with sales in several currencies.',
    }),
  ),
  currency: Type.Union([Type.String(), Type.Null()], { description: "The sales' currency (ISO 4217)." }),
  talkSeconds: Type.Number({ description: 'Sum of bridged..ended of the contacts, clipped to the period.' }),
  handleSeconds: Type.Number({
    description: 'Talk plus wrap-up (ended..released; until now while in wrap-up), clipped to the period.',
  }),
  averageHandleSeconds: Nullable(Type.Number({ description: 'handleSeconds / contacts.' })),
  loginSeconds: Type.Number({ description: 'Time in any state but offline, clipped to the period.' }),
  occupancy: Nullable(
    Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        'Time in offered, dialing, on_call and wrap_up divided by time in available, offered, dialing, on_call and wrap_up (paused and offline excluded); null without such time.',
    }),
  ),
  surveysRequested: Type.Integer({ description: 'NPS questions sent about the contacts.' }),
  surveysAnswered: Type.Integer(),
  promoters: Type.Integer({ description: 'Scores 9-10.' }),
  passives: Type.Integer({ description: 'Scores 7-8.' }),
  detractors: Type.Integer({ description: 'Scores 0-6.' }),
  nps: Nullable(
    Type.Number({
      minimum: -100,
      maximum: 100,
      description: '% promoters - % detractors of the answered surveys; null with none.',
    }),
  ),
};

export const KpiReportSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  campaign: Type.Union([Type.String(), Type.Null()]),
  groupBy: Type.Enum([...KPI_GROUP_BY]),
  generatedAt: Type.String({ format: 'date-time' }),
  totals: Type.Object(Figures, { description: 'Every contact of the period; each agent once.' }),
  slices: Slices(Figures, "The agent's id, the group, or the campaign's slug; null: contacts with no group."),
});

const KpiQuery = Type.Object(
  {
    ...PeriodQueryFields,
    groupBy: Type.Optional(Type.Enum([...KPI_GROUP_BY], { description: 'The slices (default agent).' })),
  },
  { additionalProperties: false },
);

/** GET /v1/reports/kpis, for a tenant's signed requests. */
export const kpiRoutes: FastifyPluginAsyncTypebox<KpiRouteDeps> = async (app, deps) => {
  app.get(
    '/v1/reports/kpis',
    {
      schema: {
        tags: ['reports'],
        security: [{ signature: [] }],
        querystring: KpiQuery,
        summary: 'Call-centre KPIs over a period, in total and per agent, group or campaign',
        description:
          "Contacts count in the period their call ended in, for the attempt's agent, group and campaign. Login time and occupancy are the agents' time in the period (for a group: its agents; for a campaign: the agents of its groups). Per-hour rates are per login hour. NPS is over the answered surveys of the period's contacts.",
        response: { 200: KpiReportSchema, 400: Problem, 401: Problem, 429: Problem, 503: Problem },
      },
    },
    async (request) => {
      const now = deps.now();
      const { from, to, window, tz, campaign, groupBy } = request.query;
      const period = periodOrProblem(
        {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(window ? { window } : {}),
          ...(tz ? { tz } : {}),
        },
        now,
      );
      return kpiReport(deps.sql, {
        tenantId: request.tenantId,
        ...period,
        ...(campaign ? { campaign } : {}),
        groupBy: groupBy ?? 'agent',
        now,
      });
    },
  );
};
