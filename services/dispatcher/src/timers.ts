import type { OutboxEntry } from '@pronto/bus';
import type { DialRequestV1 } from '@pronto/contracts';
import type { Database, SqlQueryable } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { closeWithoutDisposition, releaseOffer } from './agent-commands.ts';
import { announceAgent } from './agent-snapshot.ts';
import { applyCallEvent } from './call-events.ts';
import { moveLead } from './lead-moves.ts';
import { envelope, record } from './records.ts';
import { lockAgent, lockLead, setAgentState, stateAfterRelease } from './rows.ts';
import type { DispatcherSettings } from './settings.ts';

interface TimerDeps {
  readonly db: Database;
  readonly settings: DispatcherSettings;
  readonly logger: Logger;
  readonly now: Date;
}

const BATCH = 500;

/** Runs one timer's transaction; an error is logged and the others still fire (the row stays due). */
async function fire(
  deps: TimerDeps,
  what: string,
  id: string,
  work: () => Promise<boolean>,
): Promise<boolean> {
  try {
    return await work();
  } catch (error) {
    deps.logger.error({ err: error, timer: what, id }, 'timer failed; it stays due');
    return false;
  }
}

/**
 * Fires every timer that is due: offers not taken in time, retries whose time has come, dials the
 * dialer went silent on. The timers are columns, so whichever dispatcher instance runs this after
 * a restart finds them. Returns how many fired.
 */
export async function fireDueTimers(deps: TimerDeps): Promise<number> {
  return (await expireOffers(deps)) + (await requeueRetries(deps)) + (await endOverdueAttempts(deps));
}

async function expireOffers(deps: TimerDeps): Promise<number> {
  const { db, now } = deps;
  const due = await db.sql.query<{ id: string; agent_id: string }>(
    `SELECT id, agent_id FROM attempt
      WHERE released_at IS NULL AND accepted_at IS NULL AND offer_expires_at <= $1
      ORDER BY offer_expires_at LIMIT ${BATCH}`,
    [now.toISOString()],
  );
  let fired = 0;
  for (const { id, agent_id: agentId } of due) {
    const done = await fire(deps, 'offer', id, () =>
      db.sql.transaction(async (tx) => {
        const locked = await lockAgent(tx, agentId);
        if (!locked?.attempt || locked.attempt.id !== id || locked.attempt.stage !== 'offered') return false;
        await releaseOffer(
          { tx, now, settings: deps.settings },
          locked.agent,
          locked.attempt,
          'offer_timeout',
        );
        await record(tx, now, await announceAgent(tx, agentId, 'offer_expired', now));
        return true;
      }),
    );
    if (done) {
      fired += 1;
      deps.logger.info({ attemptId: id, agentId }, 'offer not taken in time; the lead is queued again');
    }
  }
  return fired;
}

async function requeueRetries(deps: TimerDeps): Promise<number> {
  const { db, now } = deps;
  const due = await db.sql.query<{ id: string }>(
    `SELECT id FROM lead WHERE status = 'waiting_retry' AND next_attempt_at <= $1
      ORDER BY next_attempt_at LIMIT ${BATCH}`,
    [now.toISOString()],
  );
  let fired = 0;
  for (const { id } of due) {
    const done = await fire(deps, 'retry', id, () =>
      db.sql.transaction(async (tx) => {
        const lead = await lockLead(tx, id);
        if (lead?.status !== 'waiting_retry') return false;
        await moveLead(tx, lead, now, {
          status: 'queued',
          events: [{ type: 'requeued', detail: { why: 'retry time' } }],
        });
        return true;
      }),
    );
    if (done) fired += 1;
  }
  return fired;
}

/**
 * The attempt deadline: a dial or a call the dialer went silent on ends as the dialer would have
 * ended it (a bridged call counts as the contact it was), and the dialer is told to hang up in case
 * the call is in fact still up; a wrap-up left without an outcome is closed and frees the agent.
 */
async function endOverdueAttempts(deps: TimerDeps): Promise<number> {
  const { db, now } = deps;
  const due = await db.sql.query<{
    id: string;
    lead_id: string;
    agent_id: string;
    tenant_id: string;
    campaign_id: string;
    in_call: boolean;
  }>(
    `SELECT a.id, a.lead_id, a.agent_id, l.tenant_id, l.campaign_id, a.ended_at IS NULL AS in_call
       FROM attempt a JOIN lead l ON l.id = a.lead_id
      WHERE a.released_at IS NULL AND a.dial_deadline_at <= $1
      ORDER BY a.dial_deadline_at LIMIT ${BATCH}`,
    [now.toISOString()],
  );
  let fired = 0;
  for (const attempt of due) {
    const done = await fire(deps, 'attempt', attempt.id, () =>
      db.sql.transaction(async (tx) => {
        const ctx = { tx, now, settings: deps.settings };
        const locked = await lockAgent(tx, attempt.agent_id);
        if (locked?.attempt?.id !== attempt.id) return false;
        if (!attempt.in_call) {
          if (locked.attempt.stage !== 'wrap_up') return false;
          await closeWithoutDisposition(ctx, locked.attempt, 'wrap_up_timeout');
          const next = stateAfterRelease(locked.agent);
          await setAgentState(tx, locked.agent.id, next.state, now, { pauseReason: next.pauseReason });
          await record(tx, now, await announceAgent(tx, locked.agent.id, 'wrap_up_timeout', now));
          return true;
        }
        await applyCallEvent(ctx, {
          attemptId: attempt.id,
          leadId: attempt.lead_id,
          tenantId: attempt.tenant_id,
          campaignId: attempt.campaign_id,
          agentId: attempt.agent_id,
          phase: 'ended',
          at: now.toISOString(),
          outcome: 'failed',
          cause: 'dialer_silent',
        });
        await record(tx, now, [await hangupMessage(tx, attempt.id, now)]);
        return true;
      }),
    );
    if (done) {
      fired += 1;
      deps.logger.warn(
        { attemptId: attempt.id, inCall: attempt.in_call },
        'attempt deadline passed; the attempt ended',
      );
    }
  }
  return fired;
}

/** A hangup request for the attempt, built from its rows. */
async function hangupMessage(tx: SqlQueryable, attemptId: string, now: Date): Promise<OutboxEntry> {
  const [row] = await tx.query<{
    lead_id: string;
    tenant_id: string;
    campaign_id: string;
    agent_id: string;
    sip_endpoint: string | null;
    phone_e164: string;
    caller_id: string | null;
  }>(
    `SELECT a.lead_id, l.tenant_id, l.campaign_id, a.agent_id, g.sip_endpoint, l.phone_e164, c.caller_id
       FROM attempt a JOIN lead l ON l.id = a.lead_id JOIN campaign c ON c.id = l.campaign_id
       JOIN agent g ON g.id = a.agent_id
      WHERE a.id = $1`,
    [attemptId],
  );
  if (!row) throw new Error(`attempt ${attemptId} vanished`);
  const request: DialRequestV1['payload'] = {
    action: 'hangup',
    attemptId,
    leadId: row.lead_id,
    tenantId: row.tenant_id,
    campaignId: row.campaign_id,
    agentId: row.agent_id,
    agentEndpoint: row.sip_endpoint,
    phone: row.phone_e164,
    callerId: row.caller_id,
    ringTimeoutSeconds: 30,
  };
  return { topic: 'dial-requests', message: envelope('dial.request', attemptId, request, now) };
}

/** The earliest timer in the database, so the loop sleeps exactly until then. */
export async function nextTimerAt(db: Database): Promise<number | null> {
  const [row] = await db.sql.query<{ at: number | null }>(
    `SELECT (extract(epoch FROM LEAST(
       (SELECT min(offer_expires_at) FROM attempt WHERE released_at IS NULL AND accepted_at IS NULL),
       (SELECT min(next_attempt_at) FROM lead WHERE status = 'waiting_retry'),
       (SELECT min(dial_deadline_at) FROM attempt WHERE released_at IS NULL)
     )) * 1000)::float8 AS at`,
  );
  return row?.at == null ? null : Number(row.at);
}
