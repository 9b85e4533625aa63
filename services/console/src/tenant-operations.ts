import { AgentState, WAITING_STATUSES } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';

export interface TenantOperations {
  /** Leads waiting for an agent per campaign slug (pronto_queue_depth). */
  queue: { campaign: string; depth: number }[];
  /** Agents per state, every state present (pronto_agents). */
  agents: Record<string, number>;
  /** Paused agents per pause reason (`missed_offers` is the dispatcher's; the others the agents' own). */
  pausedFor: Record<string, number>;
}

/** One tenant's queue depth and agents by state, counted as GET /metrics counts them (the dashboard's). */
export async function tenantOperations(sql: SqlQueryable, tenantId: string): Promise<TenantOperations> {
  const queue = await sql.query<{ campaign: string; depth: number }>(
    `SELECT c.slug AS campaign,
            (SELECT count(*) FROM lead l
              WHERE l.tenant_id = c.tenant_id AND l.campaign_id = c.id AND l.status = ANY($2::text[]))::int AS depth
       FROM campaign c WHERE c.tenant_id = $1 ORDER BY c.slug`,
    [tenantId, WAITING_STATUSES],
  );
  const agents: Record<string, number> = Object.fromEntries(AgentState.enum.map((state) => [state, 0]));
  for (const row of await sql.query<{ state: string; agents: number }>(
    'SELECT state, count(*)::int AS agents FROM agent WHERE tenant_id = $1 GROUP BY state',
    [tenantId],
  ))
    agents[row.state] = Number(row.agents);
  const pausedFor: Record<string, number> = {};
  for (const row of await sql.query<{ reason: string; agents: number }>(
    `SELECT coalesce(pause_reason, 'other') AS reason, count(*)::int AS agents FROM agent
      WHERE tenant_id = $1 AND state = 'paused' GROUP BY 1 ORDER BY 1`,
    [tenantId],
  ))
    pausedFor[row.reason] = Number(row.agents);
  return {
    queue: queue.map((row) => ({ campaign: row.campaign, depth: Number(row.depth) })),
    agents,
    pausedFor,
  };
}
