import type { OutboxEntry } from '@pronto/bus';
import type { AttemptOutcome, CallEventV1, Disposition, LeadFact } from '@pronto/contracts';
import {
  type CommandContext,
  closeWithoutDisposition,
  countMissedOffer,
  finishDisposition,
} from './agent-commands.ts';
import { announceAgent } from './agent-snapshot.ts';
import { afterFailedDial, moveLead } from './lead-moves.ts';
import { record } from './records.ts';
import {
  type AgentRow,
  type AttemptRow,
  type LeadRow,
  lockAgent,
  lockLead,
  setAgentState,
  stateAfterRelease,
} from './rows.ts';

type CallEvent = CallEventV1['payload'];

/**
 * Applies what the dialer reports about an attempt. Each phase changes the attempt only once (a
 * redelivered or late event finds it already applied), and only while the agent still holds it.
 * Returns true when an agent or a lead was freed.
 */
export async function applyCallEvent(ctx: CommandContext, event: CallEvent): Promise<boolean> {
  const locked = await lockAgent(ctx.tx, event.agentId);
  const attempt = locked?.attempt;
  if (!locked || !attempt || attempt.id !== event.attemptId) return false;
  const { agent } = locked;
  const at = new Date(event.at);
  let freed = false;
  switch (event.phase) {
    case 'originated':
      await ctx.tx.query(
        `UPDATE attempt SET unique_id = COALESCE(unique_id, $2), linked_id = COALESCE(linked_id, $3),
                agent_answered_at = COALESCE(agent_answered_at, $4)
          WHERE id = $1`,
        [attempt.id, event.uniqueId ?? null, event.linkedId ?? null, at.toISOString()],
      );
      // The agent's phone answered: a run of missed offers is over.
      if (agent.missed_offers > 0)
        await setAgentState(ctx.tx, agent.id, agent.state, ctx.now, { missedOffers: 0 });
      break;
    case 'ringing':
      if (attempt.stage !== 'dialing') return false;
      await ctx.tx.query(
        `UPDATE attempt SET stage = 'ringing', ringing_at = $2, person_unique_id = COALESCE(person_unique_id, $3)
          WHERE id = $1`,
        [attempt.id, at.toISOString(), event.uniqueId ?? null],
      );
      break;
    case 'answered':
      if (attempt.answered_at) return false;
      await ctx.tx.query(`UPDATE attempt SET answered_at = $2 WHERE id = $1`, [attempt.id, at.toISOString()]);
      break;
    case 'bridged':
      if (attempt.bridged_at || attempt.ended_at) return false;
      await connect(ctx, agent, attempt, at);
      break;
    case 'ended':
      if (attempt.ended_at) return false;
      await ctx.tx.query(
        `UPDATE attempt SET hangup_cause_code = $2, hangup_by = $3,
                person_unique_id = COALESCE(person_unique_id, NULLIF($4, $5))
          WHERE id = $1`,
        // The end is about the person's leg only when its id is not the call's own (the agent's leg).
        [
          attempt.id,
          event.causeCode ?? null,
          event.hangupBy ?? null,
          event.uniqueId ?? null,
          event.linkedId ?? null,
        ],
      );
      freed = await end(
        ctx,
        agent,
        attempt,
        at,
        event.outcome ?? 'failed',
        event.cause ?? null,
        event.causeCode,
      );
      break;
  }
  const messages: OutboxEntry[] = await announceAgent(ctx.tx, agent.id, `call_${event.phase}`, ctx.now);
  await record(ctx.tx, ctx.now, messages);
  return freed;
}

/** The person is connected to the agent: the contact, and the SLA is met or not. */
async function connect(ctx: CommandContext, agent: AgentRow, attempt: AttemptRow, at: Date) {
  await ctx.tx.query(
    `UPDATE attempt SET stage = 'connected', bridged_at = $2, answered_at = COALESCE(answered_at, $2),
            outcome = 'contacted', dial_deadline_at = $3
      WHERE id = $1`,
    // A live call has no deadline of its own, but a dialer that crashes mid-call must not hold the lead forever.
    [attempt.id, at.toISOString(), new Date(at.getTime() + ctx.settings.maxCallMs).toISOString()],
  );
  // An agent whose desktop is gone stays offline; the call still counts, and ends without a disposition.
  if (agent.state !== 'offline') await setAgentState(ctx.tx, agent.id, 'on_call', ctx.now);
  const lead = await lockLead(ctx.tx, attempt.lead_id);
  if (!lead) return;
  const first = lead.contacted_at === null;
  if (first)
    await ctx.tx.query(`UPDATE lead SET contacted_at = $2 WHERE id = $1`, [lead.id, at.toISOString()]);
  const contactedAt = first ? at : new Date(lead.contacted_at as Date);
  const met = lead.due_at ? contactedAt.getTime() <= new Date(lead.due_at).getTime() : null;
  await moveLead(ctx.tx, lead, ctx.now, {
    status: 'contacted',
    events: [
      {
        type: 'contacted',
        detail: { attemptId: attempt.id, agentId: agent.id, at: at.toISOString(), firstContact: first, met },
      },
    ],
  });
}

async function end(
  ctx: CommandContext,
  agent: AgentRow,
  attempt: AttemptRow,
  at: Date,
  reported: AttemptOutcome,
  cause: string | null,
  causeCode: number | undefined,
): Promise<boolean> {
  const contacted = attempt.bridged_at !== null;
  const outcome = contacted ? 'contacted' : reported === 'contacted' ? 'failed' : reported;
  await ctx.tx.query(
    `UPDATE attempt SET ended_at = $2, outcome = $3, dial_deadline_at = NULL,
            end_reason = COALESCE(end_reason, $4)
      WHERE id = $1`,
    [attempt.id, at.toISOString(), outcome, cause],
  );
  const lead = await lockLead(ctx.tx, attempt.lead_id);
  if (!lead) return false;
  const ended: LeadFact = {
    type: 'call_ended',
    detail: { attemptId: attempt.id, agentId: agent.id, outcome, cause },
  };
  if (contacted) {
    await moveLead(ctx.tx, lead, ctx.now, { status: lead.status, events: [ended] });
    if (attempt.disposition) {
      await finishDisposition(ctx, agent, { ...attempt, ended_at: at }, attempt.disposition as Disposition);
      return true;
    }
    if (agent.state === 'offline') {
      await closeWithoutDisposition(ctx, attempt, 'agent_offline');
      return true;
    }
    // Wrap-up has a limit too (the attempt's deadline): a desktop that never sends the outcome frees the agent.
    await ctx.tx.query(`UPDATE attempt SET stage = 'wrap_up', dial_deadline_at = $2 WHERE id = $1`, [
      attempt.id,
      new Date(ctx.now.getTime() + ctx.settings.wrapUpLimitMs).toISOString(),
    ]);
    await setAgentState(ctx.tx, agent.id, 'wrap_up', ctx.now);
    return false;
  }
  if (outcome === 'agent_missed') {
    await agentPhoneMissed(ctx, agent, attempt, lead, ended, causeCode);
    return true;
  }
  await ctx.tx.query(`UPDATE attempt SET stage = 'ended', released_at = $2 WHERE id = $1`, [
    attempt.id,
    ctx.now.toISOString(),
  ]);
  if (outcome === 'invalid_number') {
    await moveLead(ctx.tx, lead, ctx.now, {
      status: 'suppressed',
      suppression: 'invalid_number',
      close: true,
      events: [ended, { type: 'suppressed', detail: { reason: 'invalid_number', why: cause } }],
    });
  } else {
    await afterFailedDial(ctx.tx, lead, outcome, ctx.now, [], [ended]);
  }
  const next = stateAfterRelease(agent);
  await setAgentState(ctx.tx, agent.id, next.state, ctx.now, { pauseReason: next.pauseReason });
  return true;
}

/** Q.850 causes with which an agent's phone turns the call away: user busy (486, DND), call rejected (603). */
const PHONE_REJECTS = new Set([17, 21]);

/**
 * The agent's own phone did not answer or rejected the call: the person was never dialed. The dial
 * is not counted, the lead goes back to the queue (another free agent takes it first), and it
 * counts as a missed offer for the agent: paused at the limit, like offers not taken in time.
 */
async function agentPhoneMissed(
  ctx: CommandContext,
  agent: AgentRow,
  attempt: AttemptRow,
  lead: LeadRow,
  ended: LeadFact,
  causeCode: number | undefined,
) {
  const why =
    causeCode !== undefined && PHONE_REJECTS.has(causeCode)
      ? 'agent_phone_rejected'
      : 'agent_phone_no_answer';
  const now = ctx.now.toISOString();
  await ctx.tx.query(
    `UPDATE attempt SET stage = 'ended', dialed_at = NULL, released_at = $2, end_reason = $3 WHERE id = $1`,
    [attempt.id, now, why],
  );
  await ctx.tx.query('UPDATE lead SET attempt_count = greatest(attempt_count - 1, 0) WHERE id = $1', [
    lead.id,
  ]);
  await moveLead(ctx.tx, lead, ctx.now, {
    status: 'queued',
    events: [ended, { type: 'offer_missed', detail: { attemptId: attempt.id, agentId: agent.id, why } }],
  });
  await countMissedOffer(ctx, agent);
}
