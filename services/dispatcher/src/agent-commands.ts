import type { OutboxEntry } from '@pronto/bus';
import type { AgentCommandV1, DialRequestV1, Disposition, LeadFact } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { announceAgent } from './agent-snapshot.ts';
import { blockDial, gatesFor, moveLead } from './lead-moves.ts';
import { envelope, record } from './records.ts';
import {
  type AgentRow,
  type AttemptRow,
  type LeadRow,
  lockAgent,
  lockLead,
  setAgentState,
  stateAfterRelease,
} from './rows.ts';
import type { DispatcherSettings } from './settings.ts';

export interface CommandContext {
  readonly tx: SqlQueryable;
  readonly now: Date;
  readonly settings: DispatcherSettings;
  /** Where an ignored offline is said (info); without it, nothing is logged. */
  readonly logger?: Logger;
}

type Command = AgentCommandV1['payload'];

/**
 * Applies one thing an agent did. Every command is checked against the state in the database, so
 * a command delivered twice, late, or for an attempt the agent no longer holds changes nothing;
 * the agent still gets a fresh snapshot, so a desktop that was behind catches up.
 * Returns true when something changed that may free an agent or a lead for the next round.
 */
export async function applyAgentCommand(ctx: CommandContext, command: Command): Promise<boolean> {
  const locked = await lockAgent(ctx.tx, command.agentId);
  if (!locked || locked.agent.tenant_id !== command.tenantId) return false;
  const { agent, attempt } = locked;
  const held = attempt && (!command.attemptId || attempt.id === command.attemptId) ? attempt : undefined;
  let reason: string = command.command;
  let freed = false;
  const messages: OutboxEntry[] = [];
  switch (command.command) {
    case 'online':
      if (agent.state === 'offline') {
        const state = attempt ? busyState(attempt) : agent.pause_reason ? 'paused' : 'available';
        await setAgentState(ctx.tx, agent.id, state, ctx.now, { missedOffers: 0 });
        freed = state === 'available';
      }
      break;
    case 'offline':
      if (await connectedSince(ctx, agent.id, command.at)) {
        reason = 'offline_ignored';
        ctx.logger?.info({ agentId: agent.id }, 'offline ignored: the agent connected again since');
      } else {
        await goOffline(ctx, agent, attempt);
        freed = true;
      }
      break;
    case 'pause':
      freed = await pause(ctx, agent, attempt, command.reason ?? 'other');
      break;
    case 'resume':
      if (agent.state === 'paused' || agent.pause_reason) {
        const state = agent.state === 'paused' ? 'available' : agent.state;
        await setAgentState(ctx.tx, agent.id, state, ctx.now, { pauseReason: null, missedOffers: 0 });
        freed = state === 'available';
      }
      break;
    case 'accept':
      if (held?.stage === 'offered') reason = await accept(ctx, agent, held);
      else reason = 'accept_ignored';
      break;
    case 'reject':
      if (held?.stage === 'offered') {
        await releaseOffer(ctx, agent, held, 'rejected');
        freed = true;
      }
      break;
    case 'hangup':
      if (held && ['dialing', 'ringing', 'connected'].includes(held.stage)) {
        messages.push(...(await hangup(ctx, agent, held)));
      }
      break;
    case 'disposition':
      if (held && command.disposition && held.bridged_at) {
        const result = await dispose(ctx, agent, held, command.disposition);
        messages.push(...result.messages);
        freed = result.freed;
      } else reason = 'disposition_ignored';
      break;
  }
  messages.push(...(await announceAgent(ctx.tx, agent.id, reason, ctx.now)));
  await writeMessages(ctx.tx, ctx.now, messages);
  return freed;
}

/** The agent's state for the stage of the attempt it holds. */
export function busyState(attempt: AttemptRow): string {
  switch (attempt.stage) {
    case 'offered':
      return 'offered';
    case 'dialing':
    case 'ringing':
      return 'dialing';
    case 'connected':
      return 'on_call';
    default:
      return 'wrap_up';
  }
}

async function writeMessages(tx: SqlQueryable, now: Date, messages: readonly OutboxEntry[]) {
  if (messages.length > 0) await record(tx, now, messages);
}

/**
 * Whether the agent has a socket, on a gateway instance whose lease still runs, opened after `at`:
 * an `offline` about an earlier socket (a gateway stopping during a rolling update, whose offline
 * arrives after the desktop reconnected through another instance) is then out of date.
 */
async function connectedSince(ctx: CommandContext, agentId: string, at: string): Promise<boolean> {
  const rows = await ctx.tx.query(
    `SELECT 1 FROM agent_presence p JOIN gateway_instance g ON g.id = p.gateway_instance_id
      WHERE p.agent_id = $1 AND p.connected_at > $2 AND g.expires_at > $3 LIMIT 1`,
    [agentId, at, ctx.now.toISOString()],
  );
  return rows.length > 0;
}

async function goOffline(ctx: CommandContext, agent: AgentRow, attempt: AttemptRow | undefined) {
  if (attempt?.stage === 'offered') await releaseOffer(ctx, agent, attempt, 'agent_offline');
  else if (attempt?.stage === 'wrap_up') await closeWithoutDisposition(ctx, attempt, 'agent_offline');
  await setAgentState(ctx.tx, agent.id, 'offline', ctx.now, { pauseReason: null });
}

async function pause(
  ctx: CommandContext,
  agent: AgentRow,
  attempt: AttemptRow | undefined,
  reason: string,
): Promise<boolean> {
  if (attempt?.stage === 'offered') {
    await releaseOffer(ctx, agent, attempt, 'agent_paused');
    await setAgentState(ctx.tx, agent.id, 'paused', ctx.now, { pauseReason: reason });
    return true;
  }
  // Busy with a call (or not connected): the pause starts when the agent lets go of the lead (or comes back).
  const state = attempt || agent.state === 'offline' ? agent.state : 'paused';
  await setAgentState(ctx.tx, agent.id, state, ctx.now, { pauseReason: reason });
  return false;
}

/**
 * An offer that was not taken (rejected, timed out, or the agent went away): the lead goes back to
 * the queue with its due time (so it is at the front again), the attempt is released.
 */
export async function releaseOffer(
  ctx: CommandContext,
  agent: AgentRow,
  attempt: AttemptRow,
  why: 'rejected' | 'offer_timeout' | 'agent_offline' | 'agent_paused',
): Promise<void> {
  await ctx.tx.query(
    `UPDATE attempt SET stage = 'ended', outcome = 'agent_missed', end_reason = $2, ended_at = $3, released_at = $3
      WHERE id = $1`,
    [attempt.id, why, ctx.now.toISOString()],
  );
  const lead = await lockLead(ctx.tx, attempt.lead_id);
  if (lead && lead.status === 'offered') {
    await moveLead(ctx.tx, lead, ctx.now, {
      status: 'queued',
      events: [{ type: 'offer_missed', detail: { attemptId: attempt.id, agentId: agent.id, why } }],
    });
  }
  if (why === 'offer_timeout') {
    await countMissedOffer(ctx, agent);
  } else if (why === 'rejected') {
    const next = stateAfterRelease(agent);
    await setAgentState(ctx.tx, agent.id, next.state, ctx.now, {
      pauseReason: next.pauseReason,
      missedOffers: 0,
    });
  }
}

/**
 * One more missed offer in a row (the offer timed out, or the agent's phone did not answer or
 * rejected the call); at the limit the agent is paused (reason `missed_offers`). The run ends when
 * the agent's phone answers, or the agent rejects an offer or resumes.
 */
export async function countMissedOffer(ctx: CommandContext, agent: AgentRow): Promise<void> {
  const missed = agent.missed_offers + 1;
  const paused = missed >= ctx.settings.maxMissedOffers;
  const next = stateAfterRelease(agent);
  await setAgentState(ctx.tx, agent.id, paused && next.state !== 'offline' ? 'paused' : next.state, ctx.now, {
    missedOffers: missed,
    pauseReason: paused && next.state !== 'offline' ? 'missed_offers' : next.pauseReason,
  });
}

async function accept(ctx: CommandContext, agent: AgentRow, attempt: AttemptRow): Promise<string> {
  const lead = await lockLead(ctx.tx, attempt.lead_id);
  if (!lead) return 'accept_ignored';
  const { block } = await gatesFor(ctx.tx, lead, ctx.now);
  if (block) {
    await ctx.tx.query(
      `UPDATE attempt SET stage = 'ended', end_reason = $2, ended_at = $3, released_at = $3 WHERE id = $1`,
      [attempt.id, `blocked:${block.gate}`, ctx.now.toISOString()],
    );
    await blockDial(ctx.tx, lead, block, ctx.now);
    const next = stateAfterRelease(agent);
    await setAgentState(ctx.tx, agent.id, next.state, ctx.now, { pauseReason: next.pauseReason });
    return `dial_blocked:${block.gate}`;
  }
  const now = ctx.now.toISOString();
  await ctx.tx.query(
    `UPDATE attempt SET stage = 'dialing', accepted_at = $2, dialed_at = $2, dial_deadline_at = $3, offer_expires_at = NULL
      WHERE id = $1`,
    [attempt.id, now, new Date(ctx.now.getTime() + ctx.settings.dialDeadlineMs).toISOString()],
  );
  await ctx.tx.query(
    `UPDATE lead SET attempt_count = attempt_count + 1, first_attempt_at = COALESCE(first_attempt_at, $2)
      WHERE id = $1`,
    [lead.id, now],
  );
  // Accepting does not end a run of misses: the agent's phone still has to answer ('originated').
  await setAgentState(ctx.tx, agent.id, 'dialing', ctx.now);
  const request = dialRequest('originate', lead, agent, attempt);
  await moveLead(ctx.tx, lead, ctx.now, {
    status: 'dialing',
    events: [
      {
        type: 'dialing',
        detail: { attemptId: attempt.id, agentId: agent.id, attemptNumber: lead.attempt_count + 1 },
      },
    ],
    messages: [{ topic: 'dial-requests', message: envelope('dial.request', attempt.id, request, ctx.now) }],
  });
  return 'accepted';
}

async function hangup(ctx: CommandContext, agent: AgentRow, attempt: AttemptRow): Promise<OutboxEntry[]> {
  const lead = await lockLead(ctx.tx, attempt.lead_id);
  if (!lead) return [];
  // The dialer confirms the end with an `ended` call event; if it stays silent, the dial timer ends it.
  await ctx.tx.query(`UPDATE attempt SET dial_deadline_at = $2 WHERE id = $1`, [
    attempt.id,
    new Date(ctx.now.getTime() + ctx.settings.hangupGraceMs).toISOString(),
  ]);
  return [
    {
      topic: 'dial-requests',
      message: envelope('dial.request', attempt.id, dialRequest('hangup', lead, agent, attempt), ctx.now),
    },
  ];
}

/** What the dialer needs to place or end the attempt's call. */
function dialRequest(
  action: DialRequestV1['payload']['action'],
  lead: LeadRow,
  agent: AgentRow,
  attempt: AttemptRow,
): DialRequestV1['payload'] {
  return {
    action,
    attemptId: attempt.id,
    leadId: lead.id,
    tenantId: lead.tenant_id,
    campaignId: lead.campaign_id,
    agentId: agent.id,
    agentEndpoint: agent.sip_endpoint,
    phone: lead.phone_e164,
    callerId: lead.caller_id,
    ringTimeoutSeconds: 30,
  };
}

/**
 * The agent's outcome of a contact. During the call it is kept and the call is hung up; the lead is
 * closed when the call has ended. A callback keeps the lead open with its retry time; do_not_call
 * adds the number to the tenant's list.
 */
async function dispose(
  ctx: CommandContext,
  agent: AgentRow,
  attempt: AttemptRow,
  disposition: Disposition,
): Promise<{ messages: OutboxEntry[]; freed: boolean }> {
  await ctx.tx.query(`UPDATE attempt SET disposition = $2::jsonb WHERE id = $1`, [
    attempt.id,
    JSON.stringify(disposition),
  ]);
  attempt.disposition = disposition;
  if (!attempt.ended_at) {
    return { messages: await hangup(ctx, agent, attempt), freed: false };
  }
  await finishDisposition(ctx, agent, attempt, disposition);
  return { messages: [], freed: true };
}

/** Closes (or, for a callback, re-schedules) the lead with the agent's disposition and frees the agent. */
export async function finishDisposition(
  ctx: CommandContext,
  agent: AgentRow,
  attempt: AttemptRow,
  disposition: Disposition,
): Promise<void> {
  const now = ctx.now.toISOString();
  await ctx.tx.query(`UPDATE attempt SET stage = 'ended', released_at = $2 WHERE id = $1`, [attempt.id, now]);
  const lead = await lockLead(ctx.tx, attempt.lead_id);
  if (lead) {
    await ctx.tx.query(`UPDATE lead SET disposition = $2::jsonb WHERE id = $1`, [
      lead.id,
      JSON.stringify(disposition),
    ]);
    if (disposition.code === 'do_not_call') {
      await ctx.tx.query(
        `INSERT INTO dnc_entry (tenant_id, phone_e164, reason, source, created_at)
         VALUES ($1, $2, 'asked during a call', 'agent', $3) ON CONFLICT DO NOTHING`,
        [lead.tenant_id, lead.phone_e164, now],
      );
    }
    const event: LeadFact = {
      type: 'dispositioned',
      detail: { attemptId: attempt.id, agentId: agent.id, ...disposition },
    };
    if (disposition.code === 'callback' && disposition.callbackAt) {
      await moveLead(ctx.tx, lead, ctx.now, {
        status: 'waiting_retry',
        nextAttemptAt: new Date(disposition.callbackAt).getTime(),
        events: [event],
      });
    } else {
      await moveLead(ctx.tx, lead, ctx.now, { status: 'dispositioned', events: [event], close: true });
    }
  }
  const next = stateAfterRelease(agent);
  await setAgentState(ctx.tx, agent.id, next.state, ctx.now, { pauseReason: next.pauseReason });
}

/** A contact whose agent left before recording an outcome: closed, and the history says so. */
export async function closeWithoutDisposition(ctx: CommandContext, attempt: AttemptRow, why: string) {
  await ctx.tx.query(`UPDATE attempt SET stage = 'ended', released_at = $2, end_reason = $3 WHERE id = $1`, [
    attempt.id,
    ctx.now.toISOString(),
    why,
  ]);
  const lead = await lockLead(ctx.tx, attempt.lead_id);
  if (lead && !lead.closed_at && lead.status === 'contacted') {
    await moveLead(ctx.tx, lead, ctx.now, {
      status: 'dispositioned',
      events: [{ type: 'dispositioned', detail: { attemptId: attempt.id, code: null, why } }],
      close: true,
    });
  }
}
