import type { SqlQueryable } from '@pronto/db';
import type { Operator } from '@pronto/http';
import { ProblemError } from '@pronto/http';
import Type, { type Static } from 'typebox';
import type { AgentInput } from './agent-input.ts';
import { recordAudit } from './audit.ts';

export const Agent = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  sipEndpoint: Type.Union([Type.String(), Type.Null()]),
  groups: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  state: Type.String({ description: 'offline, available, offered, dialing, on_call, wrap_up or paused.' }),
});
export type AgentView = Static<typeof Agent>;

export const AGENT_COLUMNS = `username, display_name AS "displayName", sip_endpoint AS "sipEndpoint", groups, languages,
  disabled_at IS NOT NULL AS disabled, state`;

/** The tenant's agent of that username, or 404 (another tenant's agent does not exist here). */
export async function findAgent(
  sql: SqlQueryable,
  tenantId: string,
  username: string,
  lock = false,
): Promise<AgentView & { id: string }> {
  const [row] = await sql.query<AgentView & { id: string }>(
    `SELECT id::text, ${AGENT_COLUMNS} FROM agent WHERE tenant_id = $1 AND username = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, username],
  );
  if (!row) throw new ProblemError('not-found', `No agent ${JSON.stringify(username)}`);
  return row;
}

/** What the audit log keeps of a new agent: what GET shows, never the password. */
export const agentAfter = (agent: AgentInput): AgentView => ({
  username: agent.username,
  displayName: agent.displayName,
  sipEndpoint: agent.sipEndpoint,
  groups: agent.groups,
  languages: agent.languages,
  disabled: false,
  state: 'offline',
});

/**
 * Inserts agents whose passwords are already hashed, with an agent.create audit row each. A username
 * taken meanwhile (by another request) is a 409 and, the transaction failing, nothing is kept.
 */
export async function insertAgents(
  tx: SqlQueryable,
  operator: Operator,
  now: Date,
  tenantId: string,
  agents: readonly (AgentInput & { passwordHash: string })[],
): Promise<void> {
  for (const agent of agents) {
    const inserted = await tx.query(
      `INSERT INTO agent (tenant_id, username, display_name, password_hash, sip_endpoint, groups, languages,
                          state, state_since, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], 'offline', $8, $8)
       ON CONFLICT (username) DO NOTHING RETURNING id`,
      [
        tenantId,
        agent.username,
        agent.displayName,
        agent.passwordHash,
        agent.sipEndpoint,
        agent.groups,
        agent.languages,
        now.toISOString(),
      ],
    );
    if (inserted.length === 0)
      throw new ProblemError(
        'conflict',
        `Username ${JSON.stringify(agent.username)} was taken meanwhile; nothing was created`,
      );
    await recordAudit(tx, operator, now, {
      action: 'agent.create',
      resourceType: 'agent',
      resourceId: agent.username,
      tenantId,
      before: null,
      after: agentAfter(agent),
    });
  }
}
