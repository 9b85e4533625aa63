import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { announceAgent } from './agent-snapshot.ts';
import { blockDial, gatesFor, moveLead } from './lead-moves.ts';
import type { Assignment, DispatchPolicy, PolicyInput } from './policy/types.ts';
import { readPolicyInput, unqualified } from './read-policy-input.ts';
import { lockLead } from './rows.ts';
import type { DispatcherSettings } from './settings.ts';
import { agentShard } from './shard-leases.ts';

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
  /** The agent shards this instance dispatches for; null for every agent. */
  readonly shards: readonly number[] | null;
}

/**
 * How many times one round asks the policy again for the agents whose lead another instance took
 * first: each pass leaves out every lead tried before, so with three instances picking from the
 * same queue head an agent rarely waits for the next round.
 */
const MAX_PASSES = 4;

type Outcome = 'offered' | 'blocked' | 'lost' | 'failed';

/**
 * One decision round: read the free agents and the queues they serve, let the policy pair them,
 * then make the offers to this instance's agents, each in its own transaction. The database decides
 * races: an agent that is no longer available, a lead no longer queued or locked by another offer,
 * or a unique index turns an offer into a no-op. An agent whose lead was taken first goes back to
 * the policy, in the same round, with the leads the policy gave nobody.
 *
 * Each assignment names its own agent and lead, so the offers are made side by side, as many at
 * once as the database takes (one on the embedded database): when fifty agents come free together,
 * the last one hears of its lead a few transactions later, not fifty.
 */
export async function runOfferRound(deps: RoundDeps): Promise<RoundResult> {
  const result: RoundResult = { offered: 0, lost: 0, blocked: 0, failed: 0 };
  let input: PolicyInput | undefined = await readPolicyInput(deps.db, deps.settings, deps.now, deps.shards);
  for (let pass = 0; input && pass < MAX_PASSES; pass++) {
    // Every live instance's free agents are in the input; this one offers to its own only.
    const decided = deps.policy(input);
    const assignments = decided.filter((assignment) => isMine(deps.shards, assignment.agentId));
    const leadLostBy = new Set<string>();
    await makeOffers(deps, assignments, (assignment, outcome) => {
      result[outcome === 'lead-lost' ? 'lost' : outcome] += 1;
      if (outcome === 'lead-lost') leadLostBy.add(assignment.agentId);
    });
    if (leadLostBy.size === 0) break;
    // Leads the policy gave to other instances' agents are theirs to offer: taking one here would
    // overflow it, or give it to someone it was not meant for, behind the policy's back.
    const tried = new Set(decided.map((assignment) => assignment.leadId));
    const queue = input.queue.filter((lead) => !tried.has(lead.id));
    const agents = input.agents.filter((agent) => leadLostBy.has(agent.id));
    input = queue.length > 0 ? { ...input, queue, agents } : undefined;
  }
  return result;
}

const isMine = (shards: readonly number[] | null, agentId: string) =>
  shards === null || shards.includes(agentShard(agentId));

/** Makes the offers side by side, in the policy's order, and reports each one's outcome. */
async function makeOffers(
  deps: RoundDeps,
  assignments: readonly Assignment[],
  report: (assignment: Assignment, outcome: Outcome | 'lead-lost') => void,
): Promise<void> {
  let next = 0;
  const offerNext = async () => {
    // The policy's order holds for the start of each offer: the most urgent leads go first.
    for (let assignment = assignments[next++]; assignment; assignment = assignments[next++]) {
      const { leadId, agentId } = assignment;
      const outcome = await makeOffer(deps, assignment).catch((error: unknown) => {
        if (error instanceof RaceLost) return error.leadTaken ? ('lead-lost' as const) : ('lost' as const);
        // A unique index or a deadlock: the lead went to another offer; this agent may take another.
        if (isRace(error)) return 'lead-lost' as const;
        // One lead that cannot be offered (say, a zone the calendar rejects) must not stop the others.
        deps.logger.error({ err: error, leadId, agentId }, 'offer failed');
        return 'failed' as const;
      });
      report(assignment, outcome);
    }
  };
  const workers = Math.max(1, Math.min(deps.db.maxConcurrency, assignments.length));
  await Promise.all(Array.from({ length: workers }, offerNext));
}

/** Another transaction got there first: to the agent, or (leadTaken) to the lead. */
class RaceLost extends Error {
  constructor(readonly leadTaken: boolean) {
    super(leadTaken ? 'the lead was taken first' : 'the agent was taken first');
  }
}

/** A unique index, a serialization failure or a deadlock: another transaction got there first. */
function isRace(error: unknown): boolean {
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
    if (!agent) throw new RaceLost(false);
    // Another offer holding the lead (another instance's, most likely) is not waited for.
    const lead = await lockLead(tx, assignment.leadId, { skipLocked: true });
    if (lead?.status !== 'queued') throw new RaceLost(true);
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
