import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FieldError } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { fieldError, type Operator, ProblemError } from '@pronto/http';
import { hashPassword } from '@pronto/tenancy';
import Type, { type Static } from 'typebox';
import { actingOn } from './acting-on.ts';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import { ADMIN_PROBLEMS, Items, TenantParams } from './admin-schemas.ts';
import { registerAgentImport } from './agent-import.ts';
import {
  checkAgentInput,
  checkGroupList,
  checkLanguages,
  DISPLAY_NAME_RULE,
  groupsOf,
  isPrintableName,
  SIP_ENDPOINT_RULE,
  takenUsernames,
  unknownGroups,
} from './agent-input.ts';
import { AGENT_COLUMNS, Agent, type AgentView, findAgent, insertAgents } from './agent-rows.ts';
import { recordAudit } from './audit.ts';
import { tenantInScope } from './operator.ts';

const AgentParams = Type.Object({
  tenant: Type.String({ description: "The tenant's slug." }),
  agent: Type.String({ description: "The agent's username." }),
});
const NullableString = Type.Union([Type.String(), Type.Null()]);

const NewAgent = Type.Object(
  {
    username: Type.String({ description: '^[a-z0-9][a-z0-9._-]{2,63}$, unique in the installation.' }),
    displayName: Type.String(),
    password: Type.String({ description: '8 characters or more; kept only as its scrypt hash.' }),
    sipEndpoint: Type.Optional(NullableString),
    groups: Type.Optional(Type.Array(Type.String())),
    languages: Type.Optional(Type.Array(Type.String(), { description: "Codes such as 'pl', 'en'." })),
  },
  { additionalProperties: false },
);

const AgentChange = Type.Object(
  {
    displayName: Type.Optional(Type.String()),
    sipEndpoint: Type.Optional(NullableString),
    groups: Type.Optional(Type.Array(Type.String())),
    languages: Type.Optional(Type.Array(Type.String())),
    disabled: Type.Optional(
      Type.Boolean({ description: 'A disabled agent is offered nothing and signed out.' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Agents (docs/admin-api "Agents"). Disabling one takes it out of dispatch (the dispatcher skips a
 * disabled agent) and ends its sessions at once; a password reset ends them too.
 */
export const agentRoutes: FastifyPluginAsyncTypebox<AdminDeps> = async (app, deps) => {
  registerAgentImport(app, deps);

  app.get(
    '/tenants/:tenant/agents',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: "The tenant's agents",
        params: TenantParams,
        response: { 200: Items(Agent), ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const tenant = await tenantInScope(deps.sql, request, request.params.tenant);
      const items = await deps.sql.query<AgentView>(
        `SELECT ${AGENT_COLUMNS} FROM agent WHERE tenant_id = $1 ORDER BY username`,
        [tenant.id],
      );
      return { items };
    },
  );

  app.post(
    '/tenants/:tenant/agents',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Create an agent (offline until it signs in)',
        params: TenantParams,
        body: NewAgent,
        response: { 201: Agent, ...ADMIN_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { operator, tenant } = await actingOn(deps.sql, request);
      const checked = checkAgentInput(request.body);
      if (!checked.agent)
        throw new ProblemError('validation-error', 'The agent has invalid fields', checked.errors);
      const agent = checked.agent;
      const unknown = unknownGroups(agent.groups, await groupsOf(deps.sql, tenant.id), 'groups');
      if (unknown.length > 0)
        throw new ProblemError('validation-error', 'The agent has invalid fields', unknown);
      if ((await takenUsernames(deps.sql, [agent.username])).size > 0) throw usernameTaken(agent.username);
      // scrypt takes tens of milliseconds: hashed before the transaction opens.
      const passwordHash = await hashPassword(agent.password);
      const now = deps.now();
      await deps.sql
        .transaction((tx) => insertAgents(tx, operator, now, tenant.id, [{ ...agent, passwordHash }]))
        .catch((error: unknown) => {
          throw error instanceof ProblemError && error.slug === 'conflict'
            ? usernameTaken(agent.username)
            : error;
        });
      reply.code(201);
      return findAgent(deps.sql, tenant.id, agent.username).then(({ id: _id, ...view }) => view);
    },
  );

  app.patch(
    '/tenants/:tenant/agents/:agent',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: "Change an agent's name, endpoint, groups or languages, or disable or enable it",
        params: AgentParams,
        body: AgentChange,
        response: { 200: Agent, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const { operator, tenant } = await actingOn(deps.sql, request);
      const change = request.body;
      const errors = checkChange(change);
      if (change.groups && errors.length === 0)
        errors.push(...unknownGroups(change.groups, await groupsOf(deps.sql, tenant.id), 'groups'));
      if (errors.length > 0)
        throw new ProblemError('validation-error', 'The change has invalid fields', errors);
      const now = deps.now();
      return deps.sql.transaction(async (tx) => {
        const { id, ...before } = await findAgent(tx, tenant.id, request.params.agent, true);
        const disabled = change.disabled ?? before.disabled;
        // Only an agent waiting for work is taken offline; one on a call keeps its state until the
        // call ends, and is then offered nothing more.
        const [row] = await tx.query<AgentView>(
          `UPDATE agent SET display_name = $2, sip_endpoint = $3, groups = $4::text[], languages = $5::text[],
                  disabled_at = CASE WHEN NOT $6 THEN NULL ELSE COALESCE(disabled_at, $7) END,
                  state = CASE WHEN $6 AND state IN ('available', 'paused') THEN 'offline' ELSE state END,
                  pause_reason = CASE WHEN $6 AND state IN ('available', 'paused') THEN NULL ELSE pause_reason END,
                  state_since = CASE WHEN $6 AND state IN ('available', 'paused') THEN $7 ELSE state_since END,
                  version = version + 1
            WHERE id = $1 RETURNING ${AGENT_COLUMNS}`,
          [
            id,
            change.displayName?.trim() ?? before.displayName,
            change.sipEndpoint === undefined ? before.sipEndpoint : change.sipEndpoint,
            change.groups ?? before.groups,
            change.languages ?? before.languages,
            disabled,
            now.toISOString(),
          ],
        );
        const after = row as AgentView;
        if (disabled) await tx.query('DELETE FROM agent_session WHERE agent_id = $1', [id]);
        if (JSON.stringify(after) === JSON.stringify(before)) return after;
        const action =
          disabled === before.disabled ? 'agent.update' : disabled ? 'agent.disable' : 'agent.enable';
        await recordAudit(tx, operator, now, {
          action,
          resourceType: 'agent',
          resourceId: after.username,
          tenantId: tenant.id,
          before,
          after,
        });
        return after;
      });
    },
  );

  app.post(
    '/tenants/:tenant/agents/:agent/password',
    {
      schema: {
        ...ADMIN_SCHEMA,
        summary: "Set an agent's password; its sessions end",
        params: AgentParams,
        body: Type.Object({ password: Type.String() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...ADMIN_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { password } = request.body;
      const { operator, tenant } = await actingOn(deps.sql, request);
      if (password.length < 8 || password.length > 200)
        throw new ProblemError('validation-error', 'The password is not valid', [
          fieldError('password', 'The password must be 8 to 200 characters long.'),
        ]);
      await findAgent(deps.sql, tenant.id, request.params.agent);
      const passwordHash = await hashPassword(password);
      const now = deps.now();
      await deps.sql.transaction((tx) =>
        replacePassword(tx, operator, now, tenant.id, request.params.agent, passwordHash),
      );
      return reply.code(204).send(null);
    },
  );
};

const usernameTaken = (username: string) =>
  new ProblemError('conflict', `Username ${JSON.stringify(username)} is taken`, [
    fieldError(
      'username',
      'This username is taken; agents sign in with it alone, so it is unique in Pronto.',
    ),
  ]);

function checkChange(change: Static<typeof AgentChange>): FieldError[] {
  const errors: FieldError[] = [];
  if (change.displayName !== undefined && !isPrintableName(change.displayName))
    errors.push(fieldError('displayName', DISPLAY_NAME_RULE));
  if (typeof change.sipEndpoint === 'string' && !isPrintableName(change.sipEndpoint))
    errors.push(fieldError('sipEndpoint', SIP_ENDPOINT_RULE));
  if (change.groups !== undefined) checkGroupList(change.groups, 'groups', errors);
  if (change.languages !== undefined) checkLanguages(change.languages, 'languages', errors);
  return errors;
}

/** The new hash, the agent's sessions ended (they were opened with the old password), and the audit row. */
async function replacePassword(
  tx: SqlQueryable,
  operator: Operator,
  now: Date,
  tenantId: string,
  username: string,
  passwordHash: string,
): Promise<void> {
  const agent = await findAgent(tx, tenantId, username, true);
  await tx.query('UPDATE agent SET password_hash = $2, version = version + 1 WHERE id = $1', [
    agent.id,
    passwordHash,
  ]);
  await tx.query('DELETE FROM agent_session WHERE agent_id = $1', [agent.id]);
  await recordAudit(tx, operator, now, {
    action: 'agent.password',
    resourceType: 'agent',
    resourceId: agent.username,
    tenantId,
    before: null,
    after: null,
  });
}
