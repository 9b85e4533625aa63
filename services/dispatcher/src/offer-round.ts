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
 */
export async function runOfferRound(deps: RoundDeps): Promise<RoundResult> {
  const input = await readPolicyInput(deps.db, deps.settings, deps.now);
  const result: RoundResult = { offered: 0, lost: 0, blocked: 0 };
  if (!input) return result;
  const assignments = deps.policy(input);
  for (const assignment of assignments) {
    const outcome = await makeOffer(deps, assignment).catch((error: unknown) => {
      if (isRace(error)) return 'lost' as const;
      throw error;
    });
    result[outcome] += 1;
  }
  return result;
}

async function readPolicyInput(db: Database, settings: DispatcherSettings, now: Date) {
  const agentRows = await db.sql.query<{ id: string; tenant_id: string; groups: string[]; since: number }>(
    `SELECT id, tenant_id, groups, (extract(epoch FROM state_since) * 1000)::float8 AS since
       FROM agent WHERE state = 'available'`,
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
  const leadRows = await db.sql.query<{
    id: string;
    campaign_id: string;
    due: number;
    score: number | null;
    queued: number;
  }>(
    `SELECT id, campaign_id, (extract(epoch FROM due_at) * 1000)::float8 AS due, score,
            (extract(epoch FROM updated_at) * 1000)::float8 AS queued
       FROM lead WHERE status = 'queued' AND campaign_id = ANY($1::uuid[]) AND due_at IS NOT NULL
      ORDER BY due_at LIMIT $2`,
    [[...campaigns.keys()], settings.queueWindow],
  );
  if (leadRows.length === 0) return undefined;
  const queue: QueuedLead[] = leadRows.map((row) => ({
    id: row.id,
    campaignId: row.campaign_id,
    dueAt: Number(row.due),
    score: row.score ?? 0,
    queuedAt: Number(row.queued),
  }));
  return { queue, agents, campaigns, now: now.getTime() };
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
    const [agent] = await tx.query<{ id: string }>(
      `SELECT id FROM agent WHERE id = $1 AND state = 'available' FOR UPDATE`,
      [assignment.agentId],
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
            group: unqualified(assignment.group),
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
