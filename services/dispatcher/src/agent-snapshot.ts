import type { OutboxEntry } from '@pronto/bus';
import type { AgentUpdateV1, ScoreFactor } from '@pronto/contracts';
import type { AgentRow, AttemptRow, IntentEventRow, LeadRow, SqlQueryable } from '@pronto/db';
import { envelope } from './records.ts';

/** Every column of a LEFT JOIN's right side may be null (the agent holds no attempt). */
type Joined<Row> = { [Column in keyof Row]: Row[Column] | null };

/** The agent, the attempt it holds, its lead, campaign and latest intent, as agentSnapshot reads them. */
type SnapshotRow = Pick<AgentRow, 'id' | 'tenant_id' | 'version' | 'pause_reason' | 'state_since'> & {
  state: AgentUpdateV1['payload']['state'];
  attempt_id: string | null;
  campaign_name: string | null;
  lead_id: string | null;
  intent_received_at: Date | null;
  score_factors: ScoreFactor[] | null;
} & Joined<
    Pick<
      AttemptRow,
      | 'stage'
      | 'offered_at'
      | 'offer_expires_at'
      | 'accepted_at'
      | 'dialed_at'
      | 'answered_at'
      | 'ended_at'
      | 'outcome'
      | 'disposition'
    > &
      Pick<
        LeadRow,
        | 'name'
        | 'phone_e164'
        | 'score'
        | 'received_at'
        | 'due_at'
        | 'time_zone'
        | 'intent_count'
        | 'attempt_count'
      > &
      Pick<IntentEventRow, 'raw_body'>
  >;

interface IntentBody {
  type?: string;
  offer?: { product?: string; amount?: number; currency?: string; termMonths?: number; eligibility?: string };
  context?: { pageUrl?: string };
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

function parseIntent(raw: string | null): IntentBody {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as IntentBody;
  } catch {
    return {};
  }
}

/**
 * The agent's whole situation, as the desktop shows it: state, and the attempt in hand with who,
 * why and the due time. The phone is left out until the agent has accepted the offer.
 */
export async function agentSnapshot(
  tx: SqlQueryable,
  agentId: string,
  reason: string,
): Promise<AgentUpdateV1['payload'] | undefined> {
  const [row] = await tx.query<SnapshotRow>(
    `SELECT a.id, a.tenant_id, a.version, a.state, a.pause_reason, a.state_since,
            t.id AS attempt_id, t.stage, t.offered_at, t.offer_expires_at, t.accepted_at, t.dialed_at,
            t.answered_at, t.ended_at, t.outcome, t.disposition,
            l.id AS lead_id, l.name, l.phone_e164, l.score, l.score_factors, l.received_at, l.due_at,
            l.time_zone, l.intent_count, l.attempt_count, c.name AS campaign_name,
            e.raw_body, e.received_at AS intent_received_at
       FROM agent a
       LEFT JOIN attempt t ON t.agent_id = a.id AND t.released_at IS NULL
       LEFT JOIN lead l ON l.id = t.lead_id
       LEFT JOIN campaign c ON c.id = l.campaign_id
       LEFT JOIN LATERAL (
         SELECT raw_body, received_at FROM intent_event WHERE lead_id = l.id ORDER BY received_at DESC LIMIT 1
       ) e ON true
      WHERE a.id = $1`,
    [agentId],
  );
  if (!row) return undefined;
  return {
    agentId: row.id,
    tenantId: row.tenant_id,
    agentVersion: row.version,
    state: row.state,
    pauseReason: row.pause_reason,
    stateSince: new Date(row.state_since).toISOString(),
    reason,
    attempt: row.attempt_id && row.lead_id ? attemptView(row) : null,
  };
}

function attemptView(row: SnapshotRow): NonNullable<AgentUpdateV1['payload']['attempt']> {
  const intent = parseIntent(row.raw_body);
  const accepted = row.accepted_at !== null;
  return {
    attemptId: row.attempt_id as string,
    stage: (row.stage ?? 'offered') as NonNullable<AgentUpdateV1['payload']['attempt']>['stage'],
    offeredAt: iso(row.offered_at) as string,
    offerExpiresAt: iso(row.offer_expires_at),
    acceptedAt: iso(row.accepted_at),
    dialedAt: iso(row.dialed_at),
    answeredAt: iso(row.answered_at),
    endedAt: iso(row.ended_at),
    outcome: row.outcome as NonNullable<AgentUpdateV1['payload']['attempt']>['outcome'],
    disposition: (row.disposition ?? null) as NonNullable<AgentUpdateV1['payload']['attempt']>['disposition'],
    lead: {
      leadId: row.lead_id as string,
      name: row.name,
      phone: accepted ? row.phone_e164 : null,
      campaign: row.campaign_name ?? '',
      product: intent.offer?.product ?? null,
      amount: intent.offer?.amount ?? null,
      currency: intent.offer?.currency ?? null,
      termMonths: intent.offer?.termMonths ?? null,
      eligibility: intent.offer?.eligibility ?? null,
      intentType: intent.type ?? 'intent',
      intentAt: iso(row.intent_received_at) ?? (iso(row.received_at) as string),
      intents: row.intent_count ?? 1,
      pageUrl: intent.context?.pageUrl ?? null,
      score: row.score ?? 0,
      scoreFactors: row.score_factors ?? [],
      receivedAt: iso(row.received_at) as string,
      dueAt: iso(row.due_at) as string,
      timeZone: row.time_zone,
      attemptNumber: (row.attempt_count ?? 0) + (row.dialed_at ? 0 : 1),
    },
  };
}

/** The agent's snapshot as an `agent.update` message on `offers`, for the gateway. */
export async function announceAgent(
  tx: SqlQueryable,
  agentId: string,
  reason: string,
  now: Date,
): Promise<OutboxEntry[]> {
  // Every announcement gets a new version, also after changes to the attempt alone (ringing, a
  // disposition during the call): the gateway and the desktops keep only the newest.
  await tx.query('UPDATE agent SET version = version + 1 WHERE id = $1', [agentId]);
  const payload = await agentSnapshot(tx, agentId, reason);
  if (!payload) return [];
  return [{ topic: 'offers', message: envelope('agent.update', agentId, payload, now) }];
}
