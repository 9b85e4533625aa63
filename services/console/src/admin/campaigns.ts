import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fieldError, ProblemError } from '@pronto/http';
import { actingOn } from './acting-on.ts';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import { ADMIN_PROBLEMS, Items, isoAt, TenantParams } from './admin-schemas.ts';
import { groupsOf } from './agent-input.ts';
import { recordAudit } from './audit.ts';
import {
  Campaign,
  CampaignParams,
  CampaignPutAnswer,
  CampaignSettingsBody,
  DryRunQuery,
} from './campaign-schemas.ts';
import {
  type CampaignRow,
  type CampaignSettings,
  diffSettings,
  settingsOfRow,
  validateCampaignSettings,
} from './campaign-settings.ts';
import { tenantInScope } from './operator.ts';

/** A new campaign's slug: it appears in the event API's bodies and in the console's URLs. */
const SLUG = /^[a-z0-9][a-z0-9-]{1,63}$/;

const COLUMNS = `slug, name, sla_seconds, sla_clock, time_zone, calling_windows, holidays, retry_policy,
  offer_timeout_seconds, overflow_threshold_seconds, scoring_weights, caller_id, dialer_profile,
  agent_groups, created_at`;

const view = (row: CampaignRow) => ({
  slug: row.slug,
  ...settingsOfRow(row),
  createdAt: isoAt(row.created_at),
});

/** The values of a campaign's settings columns, in the order of the INSERT and the UPDATE below. */
const columnValues = (s: CampaignSettings) => [
  s.name,
  s.slaSeconds,
  s.slaClock,
  s.timeZone,
  JSON.stringify(s.callingWindows),
  JSON.stringify(s.holidays),
  JSON.stringify(s.retryPolicy),
  s.offerTimeoutSeconds,
  s.overflowThresholdSeconds,
  JSON.stringify(s.scoringWeights),
  s.callerId,
  JSON.stringify(s.dialerProfile),
  s.agentGroups,
];

/**
 * Campaigns (docs/admin-api "Campaigns"). PUT is declarative: the body is the whole desired state, so
 * sending it again changes nothing and records nothing. The dispatcher reads the row at every decision,
 * so a change holds from the next dial on.
 */
export const campaignRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  app.get(
    '/tenants/:tenant/campaigns',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: "The tenant's campaigns, every default filled in",
        params: TenantParams,
        response: { 200: Items(Campaign), ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      const rows = await deps.sql.query<CampaignRow>(
        `SELECT ${COLUMNS} FROM campaign WHERE tenant_id = $1 ORDER BY slug`,
        [tenant.id],
      );
      return { items: rows.map(view) };
    },
  );

  app.get(
    '/tenants/:tenant/campaigns/:campaign',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'One campaign, every default filled in',
        params: CampaignParams,
        response: { 200: Campaign, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      const [row] = await deps.sql.query<CampaignRow>(
        `SELECT ${COLUMNS} FROM campaign WHERE tenant_id = $1 AND slug = $2`,
        [tenant.id, request.params.campaign],
      );
      if (!row) throw new ProblemError('not-found', `No campaign ${JSON.stringify(request.params.campaign)}`);
      return view(row);
    },
  );

  app.put(
    '/tenants/:tenant/campaigns/:campaign',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: "Set a campaign's whole desired state (created if new); ?dryRun=true only shows the changes",
        params: CampaignParams,
        querystring: DryRunQuery,
        body: CampaignSettingsBody,
        response: { 200: CampaignPutAnswer, 201: CampaignPutAnswer, ...ADMIN_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { operator, tenant } = await actingOn(deps.sql, request);
      const slug = request.params.campaign;
      const dryRun = request.query.dryRun === 'true';
      const now = deps.now();
      const answer = await deps.sql.transaction(async (tx) => {
        // Locked, so that two PUTs of one campaign diff against what the other wrote.
        const [stored] = await tx.query<CampaignRow>(
          `SELECT ${COLUMNS} FROM campaign WHERE tenant_id = $1 AND slug = $2 FOR UPDATE`,
          [tenant.id, slug],
        );
        const checked = validateCampaignSettings(request.body, await groupsOf(tx, tenant.id));
        const errors = [...checked.errors];
        if (!stored && !SLUG.test(slug))
          errors.unshift(
            fieldError('campaign', 'A new campaign’s slug is 2 to 64 lowercase letters, digits and dashes.'),
          );
        if (!checked.settings || errors.length > 0)
          throw new ProblemError('validation-error', 'The campaign settings have invalid fields', errors);
        const settings = checked.settings;
        const before = stored ? settingsOfRow(stored) : null;
        const changes = diffSettings(before, settings);
        if (stored && changes.length === 0) return { campaign: view(stored), created: false, changes };
        if (dryRun) {
          const createdAt = isoAt(stored?.created_at ?? now);
          return { campaign: { slug, ...settings, createdAt }, created: !stored, changes };
        }
        const [row] = stored
          ? await tx.query<CampaignRow>(
              `UPDATE campaign SET name = $3, sla_seconds = $4, sla_clock = $5, time_zone = $6,
                      calling_windows = $7::jsonb, holidays = $8::jsonb, retry_policy = $9::jsonb,
                      offer_timeout_seconds = $10, overflow_threshold_seconds = $11, scoring_weights = $12::jsonb,
                      caller_id = $13, dialer_profile = $14::jsonb, agent_groups = $15::text[]
                WHERE tenant_id = $1 AND slug = $2 RETURNING ${COLUMNS}`,
              [tenant.id, slug, ...columnValues(settings)],
            )
          : await tx.query<CampaignRow>(
              `INSERT INTO campaign (tenant_id, slug, name, sla_seconds, sla_clock, time_zone, calling_windows,
                      holidays, retry_policy, offer_timeout_seconds, overflow_threshold_seconds, scoring_weights,
                      caller_id, dialer_profile, agent_groups, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12::jsonb, $13, $14::jsonb,
                       $15::text[], $16)
               ON CONFLICT (tenant_id, slug) DO NOTHING RETURNING ${COLUMNS}`,
              [tenant.id, slug, ...columnValues(settings), now.toISOString()],
            );
        if (!row)
          throw new ProblemError('conflict', `Campaign ${JSON.stringify(slug)} was created meanwhile`);
        await recordAudit(tx, operator, now, {
          action: stored ? 'campaign.update' : 'campaign.create',
          resourceType: 'campaign',
          resourceId: slug,
          tenantId: tenant.id,
          before,
          after: settingsOfRow(row),
        });
        return { campaign: view(row), created: !stored, changes };
      });
      reply.code(answer.created && !dryRun ? 201 : 200);
      return { ...answer, applied: !dryRun };
    },
  );
};
