import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FieldError } from '@pronto/contracts';
import { fieldError, ProblemError } from '@pronto/http';
import { hashPassword } from '@pronto/tenancy';
import Type from 'typebox';
import { actingOn } from './acting-on.ts';
import { ADMIN_SCHEMA, type AdminDeps } from './admin-deps.ts';
import { ADMIN_PROBLEMS, TenantParams } from './admin-schemas.ts';
import { type AgentInput, checkAgentInput, groupsOf, takenUsernames, unknownGroups } from './agent-input.ts';
import { insertAgents } from './agent-rows.ts';

export const MAX_IMPORT_AGENTS = 5_000;
/** 5000 agents with long names, endpoints and several groups each fit; the API's usual 256 KB would not. */
export const AGENT_IMPORT_BODY_LIMIT = 8 * 1024 * 1024;
/** Passwords hashed at once: scrypt runs on libuv's few threads, each hash taking about 16 MB. */
const HASH_CONCURRENCY = 4;

const ImportBody = Type.Object(
  {
    agents: Type.Array(Type.Unknown(), {
      minItems: 1,
      maxItems: MAX_IMPORT_AGENTS,
      description:
        'Agents as POST /agents takes them: username, displayName, password, sipEndpoint?, groups?, languages?',
    }),
    skipInvalid: Type.Optional(Type.Boolean({ description: 'Create the valid rows and list the others.' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'Check only; nothing is created.' })),
  },
  { additionalProperties: false },
);

const ImportAnswer = Type.Object({
  created: Type.Integer({ description: 'Agents created (on a dry run: that would be).' }),
  skipped: Type.Array(
    Type.Object({
      index: Type.Integer(),
      username: Type.Union([Type.String(), Type.Null()]),
      errors: Type.Array(FieldError),
    }),
  ),
  applied: Type.Boolean(),
});

interface Row {
  index: number;
  raw: unknown;
  agent?: AgentInput;
  errors: FieldError[];
}

/**
 * Every row checked as POST /agents checks one, against the database (usernames taken, the tenant's
 * groups) and against the other rows (a username twice). Rows are named `agents.<i>.<field>`.
 */
async function checkRows(deps: AdminDeps, tenantId: string, agents: readonly unknown[]): Promise<Row[]> {
  const rows: Row[] = agents.map((raw, index) => ({
    index,
    raw,
    ...checkAgentInput(raw, `agents.${index}.`),
  }));
  const groups = await groupsOf(deps.sql, tenantId);
  const valid = rows.filter((row) => row.agent);
  const taken = await takenUsernames(
    deps.sql,
    valid.map((row) => row.agent?.username as string),
  );
  const firstRow = new Map<string, number>();
  for (const row of valid) {
    const agent = row.agent as AgentInput;
    const at = `agents.${row.index}.`;
    row.errors.push(...unknownGroups(agent.groups, groups, `${at}groups`));
    const first = firstRow.get(agent.username);
    if (taken.has(agent.username)) row.errors.push(fieldError(`${at}username`, 'This username is taken.'));
    else if (first !== undefined)
      row.errors.push(fieldError(`${at}username`, `This username is also in row ${first} of the file.`));
    else firstRow.set(agent.username, row.index);
  }
  return rows;
}

async function hashAll(agents: readonly AgentInput[]): Promise<(AgentInput & { passwordHash: string })[]> {
  const hashed: (AgentInput & { passwordHash: string })[] = [];
  for (let start = 0; start < agents.length; start += HASH_CONCURRENCY) {
    const batch = agents.slice(start, start + HASH_CONCURRENCY);
    hashed.push(
      ...(await Promise.all(
        batch.map(async (agent) => ({ ...agent, passwordHash: await hashPassword(agent.password) })),
      )),
    );
  }
  return hashed;
}

/** POST /tenants/:tenant/agents/import: many agents in one transaction, all or nothing unless skipInvalid. */
export function registerAgentImport(
  app: Parameters<FastifyPluginAsyncTypebox<AdminDeps>>[0],
  deps: AdminDeps,
): void {
  app.post(
    '/tenants/:tenant/agents/import',
    {
      bodyLimit: AGENT_IMPORT_BODY_LIMIT,
      schema: {
        ...ADMIN_SCHEMA,
        summary: 'Create many agents at once: all or nothing, or the valid ones with skipInvalid',
        params: TenantParams,
        body: ImportBody,
        response: { 200: ImportAnswer, ...ADMIN_PROBLEMS },
      },
    },
    async (request) => {
      const { operator, tenant } = await actingOn(deps.sql, request);
      const { agents, skipInvalid = false, dryRun = false } = request.body;
      const rows = await checkRows(deps, tenant.id, agents);
      const bad = rows.filter((row) => row.errors.length > 0);
      if (bad.length > 0 && !skipInvalid)
        throw new ProblemError(
          'validation-error',
          `${bad.length} of ${rows.length} agents have invalid fields; nothing was created`,
          bad.flatMap((row) => row.errors),
        );
      const good = rows.filter((row) => row.errors.length === 0).map((row) => row.agent as AgentInput);
      const skipped = bad.map((row) => ({
        index: row.index,
        username:
          typeof (row.raw as { username?: unknown })?.username === 'string'
            ? (row.raw as { username: string }).username
            : null,
        errors: row.errors,
      }));
      if (!dryRun && good.length > 0) {
        // Hashed before the transaction opens: thousands of scrypt hashes take seconds, and a
        // transaction held open that long would block the embedded database's other writers.
        const hashed = await hashAll(good);
        const now = deps.now();
        await deps.sql.transaction((tx) => insertAgents(tx, operator, now, tenant.id, hashed));
      }
      return { created: good.length, skipped, applied: !dryRun };
    },
  );
}
