import type { OutboxEntry } from '@pronto/bus';
import type { CallEventV1, Disposition } from '@pronto/contracts';
import { type CommandContext, closeWithoutDisposition, finishDisposition } from './agent-commands.ts';
import { announceAgent } from './agent-snapshot.ts';
import { afterFailedDial, moveLead } from './lead-moves.ts';
import { record } from './records.ts';
import {
  type AgentRow,
  type AttemptRow,
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
        `UPDATE attempt SET unique_id = COALESCE(unique_id, $2), linked_id = COALESCE(linked_id, $3) WHERE id = $1`,
        [attempt.id, event.uniqueId ?? null, event.linkedId ?? null],
      );
      break;
    case 'ringing':
      if (attempt.stage !== 'dialing') return false;
      await ctx.tx.query(`UPDATE attempt SET stage = 'ringing' WHERE id = $1`, [attempt.id]);
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
      freed = await end(ctx, agent, attempt, at, event.outcome ?? 'failed', event.cause ?? null);
      break;
  }
  const messages: OutboxEntry[] = await announceAgent(ctx.tx, agent.id, `call_${event.phase}`, ctx.now);
  await record(ctx.tx, ctx.now, [], messages);
  return freed;
}

/** The person is connected to the agent: the contact, and the SLA is met or not. */
async function connect(ctx: CommandContext, agent: AgentRow, attempt: AttemptRow, at: Date) {
  await ctx.tx.query(
    `UPDATE attempt SET stage = 'connected', bridged_at = $2, answered_at = COALESCE(answered_at, $2),
            outcome = 'contacted', dial_deadline_at = NULL
      WHERE id = $1`,
    [attempt.id, at.toISOString()],
  );
  await setAgentState(ctx.tx, agent.id, 'on_call', ctx.now);
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
  reported: string,
  cause: string | null,
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
  const ended = { type: 'call_ended', detail: { attemptId: attempt.id, agentId: agent.id, outcome, cause } };
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
    await ctx.tx.query(`UPDATE attempt SET stage = 'wrap_up' WHERE id = $1`, [attempt.id]);
    await setAgentState(ctx.tx, agent.id, 'wrap_up', ctx.now);
    return false;
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
    await record(
      ctx.tx,
      ctx.now,
      [{ lead, version: lead.version, status: lead.status, events: [ended] }],
      [],
    );
    await afterFailedDial(ctx.tx, lead, outcome, ctx.now, []);
  }
  const next = stateAfterRelease(agent);
  await setAgentState(ctx.tx, agent.id, next.state, ctx.now, { pauseReason: next.pauseReason });
  return true;
}
