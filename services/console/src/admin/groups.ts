import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SqlQueryable } from '@pronto/db';
import { fieldError, type Operator, ProblemError } from '@pronto/http';
import Type, { type Static } from 'typebox';
import { actingOn } from './acting-on.ts';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import { ADMIN_PROBLEMS, bodyMayBeOmitted, Items, PrintableName, TenantParams } from './admin-schemas.ts';
import { recordAudit } from './audit.ts';
import { tenantInScope } from './operator.ts';

/** A group's name: what campaigns' agentGroups and agents' groups say. */
const GROUP_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const GroupParams = Type.Object({
  tenant: Type.String({ description: "The tenant's slug." }),
  group: Type.String({ description: "The group's name." }),
});
const Group = Type.Object({ name: Type.String(), displayName: Type.String() });
const GroupListed = Type.Object({
  name: Type.String(),
  displayName: Type.String(),
  agents: Type.Integer({ description: 'Agents in the group, disabled ones included.' }),
  campaigns: Type.Array(Type.String(), { description: 'Slugs of the campaigns that route to it.' }),
});

/** Agent groups (docs/admin-api "Agent groups"): campaigns route leads to them, agents belong to them. */
export const groupRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  app.get(
    '/tenants/:tenant/groups',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: "The tenant's agent groups, with their agents' count and the campaigns that use them",
        params: TenantParams,
        response: { 200: Items(GroupListed), ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      const items = await deps.sql.query<Static<typeof GroupListed>>(
        `SELECT g.name, g.display_name AS "displayName",
                (SELECT count(*)::int FROM agent a WHERE a.tenant_id = g.tenant_id AND g.name = ANY(a.groups)) AS agents,
                ARRAY(SELECT c.slug FROM campaign c WHERE c.tenant_id = g.tenant_id AND g.name = ANY(c.agent_groups)
                       ORDER BY c.slug) AS campaigns
           FROM agent_group g WHERE g.tenant_id = $1 ORDER BY g.name`,
        [tenant.id],
      );
      return { items };
    },
  );

  app.put(
    '/tenants/:tenant/groups/:group',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Create an agent group, or rename it for display',
        params: GroupParams,
        body: Type.Object(
          { displayName: Type.Optional(PrintableName({ description: 'Default: the name.' })) },
          { additionalProperties: false },
        ),
        response: { 200: Group, 201: Group, ...ADMIN_PROBLEMS },
      },
      preValidation: bodyMayBeOmitted,
    },
    async (request, reply) => {
      const { operator, tenant } = await actingOn(deps.sql, request);
      const name = request.params.group;
      const now = deps.now();
      const answer = await deps.sql.transaction(async (tx) => {
        const [stored] = await tx.query<Static<typeof Group>>(
          `SELECT name, display_name AS "displayName" FROM agent_group WHERE tenant_id = $1 AND name = $2 FOR UPDATE`,
          [tenant.id, name],
        );
        if (stored) {
          const displayName = request.body?.displayName ?? stored.displayName;
          if (displayName === stored.displayName) return { group: stored, created: false };
          await tx.query('UPDATE agent_group SET display_name = $3 WHERE tenant_id = $1 AND name = $2', [
            tenant.id,
            name,
            displayName,
          ]);
          const group = { name, displayName };
          await recordAudit(tx, operator, now, {
            action: 'group.update',
            resourceType: 'group',
            resourceId: name,
            tenantId: tenant.id,
            before: stored,
            after: group,
          });
          return { group, created: false };
        }
        if (!GROUP_NAME.test(name))
          throw new ProblemError('validation-error', 'The group name is not valid', [
            fieldError(
              'group',
              'A group’s name is 1 to 40 lowercase letters, digits, dashes and underscores.',
            ),
          ]);
        const group = { name, displayName: request.body?.displayName ?? name };
        const inserted = await tx.query(
          `INSERT INTO agent_group (tenant_id, name, display_name, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING name`,
          [tenant.id, name, group.displayName, now.toISOString()],
        );
        if (inserted.length === 0)
          throw new ProblemError('conflict', `Group ${JSON.stringify(name)} was created meanwhile`);
        await recordAudit(tx, operator, now, {
          action: 'group.create',
          resourceType: 'group',
          resourceId: name,
          tenantId: tenant.id,
          before: null,
          after: group,
        });
        return { group, created: true };
      });
      reply.code(answer.created ? 201 : 200);
      return answer.group;
    },
  );

  app.delete(
    '/tenants/:tenant/groups/:group',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Delete an agent group no campaign and no agent names',
        params: GroupParams,
        response: { 204: Type.Null(), ...ADMIN_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { operator, tenant } = await actingOn(deps.sql, request);
      await deps.sql.transaction((tx) =>
        deleteGroup(tx, operator, deps.now(), tenant.id, request.params.group),
      );
      return reply.code(204).send(null);
    },
  );
};

/** Deletes a group that no campaign and no agent names; else 409 naming them. */
async function deleteGroup(
  tx: SqlQueryable,
  operator: Operator,
  now: Date,
  tenantId: string,
  name: string,
): Promise<void> {
  const [stored] = await tx.query<Static<typeof Group>>(
    `SELECT name, display_name AS "displayName" FROM agent_group WHERE tenant_id = $1 AND name = $2 FOR UPDATE`,
    [tenantId, name],
  );
  if (!stored) throw new ProblemError('not-found', `No agent group ${JSON.stringify(name)}`);
  const [users] = await tx.query<{ campaigns: string[]; agents: string[] }>(
    `SELECT ARRAY(SELECT slug FROM campaign WHERE tenant_id = $1 AND $2 = ANY(agent_groups) ORDER BY slug) AS campaigns,
              ARRAY(SELECT username FROM agent WHERE tenant_id = $1 AND $2 = ANY(groups) ORDER BY username) AS agents`,
    [tenantId, name],
  );
  const named = [
    ...(users?.campaigns ?? []).map((slug) => `campaign ${slug}`),
    ...(users?.agents ?? []).map((username) => `agent ${username}`),
  ];
  if (named.length > 0)
    throw new ProblemError(
      'conflict',
      `Group ${JSON.stringify(name)} is still named by ${named.slice(0, 10).join(', ')}${named.length > 10 ? ` and ${named.length - 10} more` : ''}`,
    );
  await tx.query('DELETE FROM agent_group WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
  await recordAudit(tx, operator, now, {
    action: 'group.delete',
    resourceType: 'group',
    resourceId: name,
    tenantId,
    before: stored,
    after: null,
  });
}
