import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Problem } from '@pronto/contracts';
import type { Sql } from '@pronto/db';
import { fieldError, ProblemError } from '@pronto/http';
import { AlertSettings, AlertSettingsRequest } from './alert-settings.ts';
import { readAlertSettings, saveAlertSettings } from './alert-settings-store.ts';
import { webhookUrlProblem } from './webhook-url.ts';

export interface AlertSettingsRouteDeps {
  sql: Sql;
  now: () => Date;
}

const problems = { 400: Problem, 401: Problem, 429: Problem, 503: Problem };

/** GET and PUT /v1/alerts/settings: a tenant's webhook and its campaigns' attainment thresholds. */
export const alertSettingsRoutes: FastifyPluginAsyncTypebox<AlertSettingsRouteDeps> = async (app, deps) => {
  const common = { tags: ['alerts'], security: [{ signature: [] }] };
  app.get(
    '/v1/alerts/settings',
    {
      schema: {
        ...common,
        summary: "The tenant's breach-alert settings",
        response: { 200: AlertSettings, ...problems },
      },
    },
    async (request) => readAlertSettings(deps.sql, request.tenantId),
  );

  app.put(
    '/v1/alerts/settings',
    {
      schema: {
        ...common,
        summary: 'Set where breach alerts go and which campaigns alert on live attainment',
        description:
          'Alerts are POSTed as JSON, signed like the intake API (Pronto-Key-Id, Pronto-Timestamp, Pronto-Signature) with the key that makes this call, with Pronto-Alert-Id; retried after 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h, for up to 24 h. Answers with the settings as saved.',
        body: AlertSettingsRequest,
        response: { 200: AlertSettings, ...problems, 409: Problem, 413: Problem, 415: Problem },
      },
    },
    async (request) => {
      const body = request.body;
      const errors = [];
      if (body.webhookUrl !== null) {
        const problem = webhookUrlProblem(body.webhookUrl);
        if (problem) errors.push(fieldError('webhookUrl', problem));
      }
      const known = await deps.sql.query<{ id: string; slug: string }>(
        'SELECT id::text, slug FROM campaign WHERE tenant_id = $1',
        [request.tenantId],
      );
      const idOf = new Map(known.map((row) => [row.slug, row.id]));
      const campaigns = new Map<string, { attainmentBelow?: number | null; minEligible?: number }>();
      for (const [slug, set] of Object.entries(body.campaigns ?? {})) {
        const id = idOf.get(slug);
        if (id) campaigns.set(id, set);
        else errors.push(fieldError(`campaigns.${slug}`, `is not a campaign of this tenant`));
      }
      if (errors.length > 0)
        throw new ProblemError('validation-error', 'The body has invalid fields', errors);
      // The key that signed this call: authenticate checked it, and the client holds its secret.
      const header = request.headers['pronto-key-id'];
      const keyId = String(Array.isArray(header) ? header[0] : header);
      await saveAlertSettings(deps.sql, {
        tenantId: request.tenantId,
        webhook:
          body.webhookUrl === null ? null : { url: body.webhookUrl, keyId, enabled: body.enabled ?? true },
        campaigns,
        now: deps.now(),
      });
      request.log.info(
        { tenantId: request.tenantId, keyId, webhook: body.webhookUrl !== null, campaigns: campaigns.size },
        'alert settings saved',
      );
      return readAlertSettings(deps.sql, request.tenantId);
    },
  );
};
