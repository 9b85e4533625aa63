import type { LeadStatus } from '@pronto/contracts';
import type {
  AgentRow as Agent,
  AttemptRow as Attempt,
  CampaignRow as Campaign,
  LeadRow as Lead,
  SqlQueryable,
} from '@pronto/db';
import type { CallingCalendar } from '@pronto/sla';

/** Columns that the dispatcher's queries always find set (an attempt it holds has its agent, stage and offer). */
type Held<Row, Column extends keyof Row> = Omit<Row, Column> & { [Name in Column]: NonNullable<Row[Name]> };

/** A lead with its campaign's dispatch settings, as the dispatcher's transactions read it. */
export type LeadRow = Pick<
  Lead,
  | 'id'
  | 'tenant_id'
  | 'campaign_id'
  | 'phone_e164'
  | 'score'
  | 'time_zone'
  | 'due_at'
  | 'contacted_at'
  | 'attempt_count'
  | 'suppression_reason'
  | 'closed_at'
  | 'version'
> &
  Pick<Campaign, 'retry_policy' | 'caller_id' | 'offer_timeout_seconds'> & {
    status: LeadStatus;
    campaign_zone: string;
    calling_windows: CallingCalendar['windows'];
    holidays: CallingCalendar['holidays'];
  };

export type AgentRow = Pick<
  Agent,
  'id' | 'tenant_id' | 'state' | 'pause_reason' | 'missed_offers' | 'sip_endpoint' | 'version'
>;

export type AttemptRow = Held<
  Pick<
    Attempt,
    | 'id'
    | 'lead_id'
    | 'agent_id'
    | 'campaign_id'
    | 'stage'
    | 'offered_at'
    | 'accepted_at'
    | 'dialed_at'
    | 'answered_at'
    | 'bridged_at'
    | 'ended_at'
    | 'outcome'
    | 'disposition'
  >,
  'agent_id' | 'campaign_id' | 'stage' | 'offered_at'
>;

/**
 * Locks and reads the lead. Agents are always locked before leads, so two transactions never wait on
 * each other in a circle. With `skipLocked`, a lead another transaction holds reads as undefined at
 * once instead of being waited for (an offer then tries another lead).
 */
export async function lockLead(
  tx: SqlQueryable,
  leadId: string,
  options: { skipLocked?: boolean } = {},
): Promise<LeadRow | undefined> {
  const [lead] = await tx.query<LeadRow>(
    `SELECT l.id, l.tenant_id, l.campaign_id, l.phone_e164, l.status, l.score, l.time_zone, l.due_at,
            l.contacted_at, l.attempt_count, l.suppression_reason, l.closed_at, l.version,
            c.time_zone AS campaign_zone, c.calling_windows, c.holidays, c.retry_policy, c.caller_id,
            c.offer_timeout_seconds
       FROM lead l JOIN campaign c ON c.id = l.campaign_id
      WHERE l.id = $1
      FOR UPDATE OF l${options.skipLocked ? ' SKIP LOCKED' : ''}`,
    [leadId],
  );
  return lead;
}

/** Locks and reads the agent and the attempt it holds, if any. */
export async function lockAgent(
  tx: SqlQueryable,
  agentId: string,
): Promise<{ agent: AgentRow; attempt: AttemptRow | undefined } | undefined> {
  const [agent] = await tx.query<AgentRow>(
    `SELECT id, tenant_id, state, pause_reason, missed_offers, sip_endpoint, version
       FROM agent WHERE id = $1 FOR UPDATE`,
    [agentId],
  );
  if (!agent) return undefined;
  const [attempt] = await tx.query<AttemptRow>(
    `SELECT id, lead_id, agent_id, campaign_id, stage, offered_at, accepted_at, dialed_at, answered_at,
            bridged_at, ended_at, outcome, disposition
       FROM attempt WHERE agent_id = $1 AND released_at IS NULL`,
    [agentId],
  );
  return { agent, attempt };
}

/** Sets the agent's state (and, when given, its pause reason and missed offers), raising its version. */
export async function setAgentState(
  tx: SqlQueryable,
  agentId: string,
  state: string,
  now: Date,
  extra: { pauseReason?: string | null; missedOffers?: number } = {},
): Promise<void> {
  await tx.query(
    `UPDATE agent SET state = $2, state_since = CASE WHEN state = $2 THEN state_since ELSE $3 END,
            pause_reason = CASE WHEN $4 THEN $5 ELSE pause_reason END,
            missed_offers = COALESCE($6, missed_offers), version = version + 1
      WHERE id = $1`,
    [
      agentId,
      state,
      now.toISOString(),
      extra.pauseReason !== undefined,
      extra.pauseReason ?? null,
      extra.missedOffers ?? null,
    ],
  );
}

/**
 * Where an agent goes when it lets go of a lead: paused when a pause was asked for meanwhile (the
 * reason is kept while busy), offline when the desktop is gone, else available.
 */
export function stateAfterRelease(agent: AgentRow): { state: string; pauseReason: string | null } {
  if (agent.state === 'offline') return { state: 'offline', pauseReason: null };
  if (agent.pause_reason) return { state: 'paused', pauseReason: agent.pause_reason };
  return { state: 'available', pauseReason: null };
}
