import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { announceAgent } from './agent-snapshot.ts';
import { blockDial, gatesFor, moveLead } from './lead-moves.ts';
import type { Assignment, CampaignRules, DispatchPolicy, FreeAgent, QueuedLead } from './policy/types.ts';
import { lockLead } from './rows.ts';
import type { DispatcherSettings } from './settings.ts';

/** Group names are per tenant: the policy sees them qualified, so two tenants' "sales" never mix. */
const qualified = (tenantId: string, group: string) => `${tenantId}/${group}`;
const unqualified = (group: string) => group.slice(group.indexOf('/') + 1);

export interface RoundResult {
  /** Offers made. */
  offered: number;
  /** Assignments another instance or a change got to first. */
  lost: number;
  /** Leads a compliance gate held back. */
  blocked: number;
  /** Offers that failed with an error (logged). */
  failed: number;
}

interface RoundDeps {
  readonly db: Database;
  readonly policy: DispatchPolicy;
  readonly settings: DispatcherSettings;
  readonly logger: Logger;
  /** The decision time: what the policy sees as now. */
  readonly now: Date;
  /** The clock, read again inside each offer's transaction once its rows are locked. */
  readonly clock: () => Date;
}

/**
 * One decision round: read the free agents and the queues they serve, let the policy pair them,
 * then make each offer in its own transaction. The database decides races: an agent that is no
 * longer available, a lead no longer queued, or a unique index turns an offer into a no-op.
 *
 * Each assignment names its own agent and lead, so the offers are made side by side, as many at
 * once as the database takes (one on the embedded database): when fifty agents come free together,
 * the last one hears of its lead a few transactions later, not fifty.
 */
export async function runOfferRound(deps: RoundDeps): Promise<RoundResult> {
  const input = await readPolicyInput(deps.db, deps.settings, deps.now);
  const result: RoundResult = { offered: 0, lost: 0, blocked: 0, failed: 0 };
  if (!input) return result;
  const assignments = deps.policy(input);
  let next = 0;
  const offerNext = async () => {
    // The policy's order holds for the start of each offer: the most urgent leads go first.
    for (let assignment = assignments[next++]; assignment; assignment = assignments[next++]) {
      const leadId = assignment.leadId;
      const agentId = assignment.agentId;
      const outcome = await makeOffer(deps, assignment).catch((error: unknown) => {
        if (isRace(error)) return 'lost' as const;
        // One lead that cannot be offered (say, a zone the calendar rejects) must not stop the others.
        deps.logger.error({ err: error, leadId, agentId }, 'offer failed');
        return 'failed' as const;
      });
      result[outcome] += 1;
    }
  };
  const workers = Math.max(1, Math.min(deps.db.maxConcurrency, assignments.length));
  await Promise.all(Array.from({ length: workers }, offerNext));
  return result;
}

async function readPolicyInput(db: Database, settings: DispatcherSettings, now: Date) {
  const agentRows = await db.sql.query<{ id: string; tenant_id: string; groups: string[]; since: number }>(
    `SELECT id, tenant_id, groups, (extract(epoch FROM state_since) * 1000)::float8 AS since
       FROM agent a
      WHERE a.state = 'available' AND a.disabled_at IS NULL
        AND EXISTS (SELECT 1 FROM tenant t WHERE t.id = a.tenant_id AND t.disabled_at IS NULL)`,
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

class RaceLost extends Error {}

/** A unique index, a changed row or a deadlock: another transaction got there first. */
function isRace(error: unknown): boolean {
  if (error instanceof RaceLost) return true;
  const code = (error as { code?: string }).code;
  return code === '23505' || code === '40P01' || code === '40001';
}

async function makeOffer(deps: RoundDeps, assignment: Assignment): Promise<'offered' | 'blocked'> {
  return deps.db.sql.transaction(async (tx) => {
    // The policy is replaceable: the agent must still be free, of the lead's tenant, and in one
    // of the campaign's groups, whatever the policy said.
    const group = unqualified(assignment.group);
    const [agent] = await tx.query<{ id: string }>(
      `SELECT a.id FROM agent a JOIN lead l ON l.id = $2 JOIN campaign c ON c.id = l.campaign_id
        JOIN tenant t ON t.id = a.tenant_id
        WHERE a.id = $1 AND a.state = 'available' AND a.tenant_id = l.tenant_id
          AND a.disabled_at IS NULL AND t.disabled_at IS NULL
          AND $3 = ANY(a.groups) AND $3 = ANY(c.agent_groups)
        FOR UPDATE OF a`,
      [assignment.agentId, assignment.leadId, group],
    );
    if (!agent) throw new RaceLost();
    const lead = await lockLead(tx, assignment.leadId);
    if (lead?.status !== 'queued') throw new RaceLost();
    // Read after the locks: the offer is later than whatever released this agent and this lead,
    // even when another instance did that while this round was deciding.
    const now = deps.clock();
    const { block } = await gatesFor(tx, lead, now);
    if (block) {
      await blockDial(tx, lead, block, now);
      deps.logger.info({ leadId: lead.id, gate: block.gate }, 'dial blocked before the offer');
      return 'blocked';
    }
    const expiresAt = new Date(now.getTime() + lead.offer_timeout_seconds * 1_000);
    await tx.query(
      `UPDATE agent SET state = 'offered', state_since = $2, version = version + 1 WHERE id = $1`,
      [agent.id, now.toISOString()],
    );
    const [attempt] = await tx.query<{ id: string }>(
      `INSERT INTO attempt (lead_id, agent_id, campaign_id, agent_group, stage, queued_at, offered_at, offer_expires_at)
       SELECT $1, $2, $3, $4, 'offered', updated_at, $5, $6 FROM lead WHERE id = $1
       RETURNING id`,
      [
        lead.id,
        agent.id,
        lead.campaign_id,
        unqualified(assignment.group),
        now.toISOString(),
        expiresAt.toISOString(),
      ],
    );
    const messages = await announceAgent(tx, agent.id, 'offered', now);
    await moveLead(tx, lead, now, {
      status: 'offered',
      events: [
        {
          type: 'offered',
          detail: {
            attemptId: attempt?.id,
            agentId: agent.id,
            group,
            overflow: assignment.overflow,
            slackSeconds: Math.round(assignment.slackMs / 1_000),
            offerExpiresAt: expiresAt.toISOString(),
          },
        },
      ],
      messages,
    });
    deps.logger.debug({ leadId: lead.id, attemptId: attempt?.id, agentId: agent.id }, 'offered');
    return 'offered';
  });
}
