import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { releaseOffer } from './agent-commands.ts';
import { announceAgent } from './agent-snapshot.ts';
import { applyCallEvent } from './call-events.ts';
import { moveLead } from './lead-moves.ts';
import { record } from './records.ts';
import { lockAgent, lockLead } from './rows.ts';
import type { DispatcherSettings } from './settings.ts';

interface TimerDeps {
  readonly db: Database;
  readonly settings: DispatcherSettings;
  readonly logger: Logger;
  readonly now: Date;
}

const BATCH = 500;

/**
 * Fires every timer that is due: offers not taken in time, retries whose time has come, dials the
 * dialer went silent on. The timers are columns, so whichever dispatcher instance runs this after
 * a restart finds them. Returns how many fired.
 */
export async function fireDueTimers(deps: TimerDeps): Promise<number> {
  return (await expireOffers(deps)) + (await requeueRetries(deps)) + (await endSilentDials(deps));
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
    const done = await db.sql.transaction(async (tx) => {
      const locked = await lockAgent(tx, agentId);
      if (!locked?.attempt || locked.attempt.id !== id || locked.attempt.stage !== 'offered') return false;
      await releaseOffer({ tx, now, settings: deps.settings }, locked.agent, locked.attempt, 'offer_timeout');
      await record(tx, now, [], await announceAgent(tx, agentId, 'offer_expired', now));
      return true;
    });
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
    const done = await db.sql.transaction(async (tx) => {
      const lead = await lockLead(tx, id);
      if (lead?.status !== 'waiting_retry') return false;
      await moveLead(tx, lead, now, {
        status: 'queued',
        events: [{ type: 'requeued', detail: { why: 'retry time' } }],
      });
      return true;
    });
    if (done) fired += 1;
  }
  return fired;
}

async function endSilentDials(deps: TimerDeps): Promise<number> {
  const { db, now } = deps;
  const due = await db.sql.query<{
    id: string;
    lead_id: string;
    agent_id: string;
    tenant_id: string;
    campaign_id: string;
  }>(
    `SELECT a.id, a.lead_id, a.agent_id, l.tenant_id, l.campaign_id FROM attempt a JOIN lead l ON l.id = a.lead_id
      WHERE a.released_at IS NULL AND a.ended_at IS NULL AND a.dial_deadline_at <= $1
      ORDER BY a.dial_deadline_at LIMIT ${BATCH}`,
    [now.toISOString()],
  );
  let fired = 0;
  for (const attempt of due) {
    // The same path as the dialer's own `ended`: a bridged call counts as the contact it was.
    const freed = await db.sql.transaction((tx) =>
      applyCallEvent(
        { tx, now, settings: deps.settings },
        {
          attemptId: attempt.id,
          leadId: attempt.lead_id,
          tenantId: attempt.tenant_id,
          campaignId: attempt.campaign_id,
          agentId: attempt.agent_id,
          phase: 'ended',
          at: now.toISOString(),
          outcome: 'failed',
          cause: 'dialer_silent',
        },
      ),
    );
    fired += 1;
    deps.logger.warn(
      { attemptId: attempt.id, freed },
      'the dialer said nothing before the deadline; the attempt ended',
    );
  }
  return fired;
}

/** The earliest timer in the database, so the loop sleeps exactly until then. */
export async function nextTimerAt(db: Database): Promise<number | null> {
  const [row] = await db.sql.query<{ at: number | null }>(
    `SELECT (extract(epoch FROM LEAST(
       (SELECT min(offer_expires_at) FROM attempt WHERE released_at IS NULL AND accepted_at IS NULL),
       (SELECT min(next_attempt_at) FROM lead WHERE status = 'waiting_retry'),
       (SELECT min(dial_deadline_at) FROM attempt WHERE released_at IS NULL AND ended_at IS NULL)
     )) * 1000)::float8 AS at`,
  );
  return row?.at == null ? null : Number(row.at);
}
