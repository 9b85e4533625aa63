import type { Database } from '@pronto/db';
import type { CampaignRules, FreeAgent, PolicyInput, QueuedLead } from './policy/types.ts';
import type { DispatcherSettings } from './settings.ts';
import { agentShardSql } from './shard-leases.ts';

/** Group names are per tenant: the policy sees them qualified, so two tenants' "sales" never mix. */
export const qualified = (tenantId: string, group: string) => `${tenantId}/${group}`;
export const unqualified = (group: string) => group.slice(group.indexOf('/') + 1);

/**
 * What the policy decides from: the free agents, the campaigns they serve and the head of each
 * campaign's queue. With `shards` (this instance's leases), the agents are those of every shard some
 * live instance holds, so the policy decides as one dispatcher would (a primary group before an
 * overflow, someone else after a miss, the longest idle first), and each instance then makes the
 * offers of its own agents only; agents of a dead instance's shards wait for their takeover.
 */
export async function readPolicyInput(
  db: Database,
  settings: DispatcherSettings,
  now: Date,
  shards: readonly number[] | null,
): Promise<PolicyInput | undefined> {
  const agentRows = await db.sql.query<{ id: string; tenant_id: string; groups: string[]; since: number }>(
    `SELECT id, tenant_id, groups, (extract(epoch FROM state_since) * 1000)::float8 AS since
       FROM agent a
      WHERE a.state = 'available' AND a.disabled_at IS NULL
        AND EXISTS (SELECT 1 FROM tenant t WHERE t.id = a.tenant_id AND t.disabled_at IS NULL)
        AND ($1::int[] IS NULL OR ${agentShardSql('a.id')} = ANY($1::int[])
             OR EXISTS (SELECT 1 FROM dispatch_shard s
                         WHERE s.shard = ${agentShardSql('a.id')} AND s.holder IS NOT NULL AND s.expires_at > $2))`,
    [shards, now.toISOString()],
  );
  if (agentRows.length === 0) return undefined;
  const agents: FreeAgent[] = agentRows.map((row) => ({
    id: row.id,
    groups: row.groups.map((group) => qualified(row.tenant_id, group)),
    availableSince: Number(row.since),
  }));
  const campaignRows = await db.sql.query<{
    id: string;
    tenant_id: string;
    agent_groups: string[];
    overflow_threshold_seconds: number;
  }>(
    `SELECT id, tenant_id, agent_groups, overflow_threshold_seconds FROM campaign
      WHERE tenant_id = ANY($1::uuid[]) AND cardinality(agent_groups) > 0`,
    [[...new Set(agentRows.map((row) => row.tenant_id))]],
  );
  if (campaignRows.length === 0) return undefined;
  const campaigns = new Map<string, CampaignRules>(
    campaignRows.map((row) => [
      row.id,
      {
        id: row.id,
        agentGroups: row.agent_groups.map((group) => qualified(row.tenant_id, group)),
        overflowThresholdMs: row.overflow_threshold_seconds * 1_000,
      },
    ]),
  );
  // Per campaign, the head of each part of the queue: leads that can still meet their SLA by due
  // time, breached ones by score. A backlog in one campaign never hides another campaign's leads.
  const leadRows = await db.sql.query<{
    id: string;
    campaign_id: string;
    due: number;
    score: number | null;
    queued: number;
  }>(
    `SELECT q.id, q.campaign_id, (extract(epoch FROM q.due_at) * 1000)::float8 AS due, q.score,
            (extract(epoch FROM q.updated_at) * 1000)::float8 AS queued
       FROM unnest($1::uuid[]) AS c(id)
       CROSS JOIN LATERAL (
         (SELECT id, campaign_id, due_at, score, updated_at FROM lead
           WHERE status = 'queued' AND campaign_id = c.id AND due_at >= $3
           ORDER BY due_at LIMIT $2)
         UNION ALL
         (SELECT id, campaign_id, due_at, score, updated_at FROM lead
           WHERE status = 'queued' AND campaign_id = c.id AND due_at < $3
           ORDER BY score DESC NULLS LAST, due_at LIMIT $2)
       ) q`,
    [[...campaigns.keys()], settings.queueWindow, now.toISOString()],
  );
  if (leadRows.length === 0) return undefined;
  const turnedDown = await turnedDownBy(
    db,
    leadRows.map((row) => row.id),
    now,
    settings,
  );
  const queue: QueuedLead[] = leadRows.map((row) => {
    const by = turnedDown.get(row.id);
    return {
      id: row.id,
      campaignId: row.campaign_id,
      dueAt: Number(row.due),
      score: row.score ?? 0,
      queuedAt: Number(row.queued),
      ...(by?.declined.length ? { declinedBy: by.declined } : {}),
      ...(by?.missed.length ? { missedBy: by.missed } : {}),
    };
  });
  return { queue, agents, campaigns, now: now.getTime() };
}

/** How long a lead is not offered back to an agent who rejected it, and passed to others first after a miss. */
const DECLINE_MEMORY_MS = 120_000;

/** Ways an agent lets an offered lead go without saying no: the offer timed out, or the agent's phone did. */
const MISSES = ['offer_timeout', 'agent_phone_no_answer', 'agent_phone_rejected'];
const PHONE_MISSES = ['agent_phone_no_answer', 'agent_phone_rejected'];

/**
 * Per lead, the agents it must not go back to (rejected it lately, or their phone missed it
 * `maxPhoneMissesPerLead` times: one agent's phone cannot grow a lead's attempts without bound),
 * and the agents who just missed it (others first).
 */
async function turnedDownBy(
  db: Database,
  leadIds: string[],
  now: Date,
  settings: DispatcherSettings,
): Promise<Map<string, { declined: string[]; missed: string[] }>> {
  const rows = await db.sql.query<{ lead_id: string; agent_id: string; declined: boolean; missed: boolean }>(
    `SELECT lead_id, agent_id,
            bool_or(end_reason = 'rejected' AND released_at > $2)
              OR count(*) FILTER (WHERE end_reason = ANY($5::text[])) >= $3 AS declined,
            bool_or(end_reason = ANY($4::text[]) AND released_at > $2) AS missed
       FROM attempt
      WHERE lead_id = ANY($1::uuid[]) AND outcome = 'agent_missed'
      GROUP BY lead_id, agent_id`,
    [
      leadIds,
      new Date(now.getTime() - DECLINE_MEMORY_MS).toISOString(),
      settings.maxPhoneMissesPerLead,
      MISSES,
      PHONE_MISSES,
    ],
  );
  const byLead = new Map<string, { declined: string[]; missed: string[] }>();
  for (const row of rows) {
    if (!row.declined && !row.missed) continue;
    const entry = byLead.get(row.lead_id) ?? { declined: [], missed: [] };
    byLead.set(row.lead_id, entry);
    (row.declined ? entry.declined : entry.missed).push(row.agent_id);
  }
  return byLead;
}
