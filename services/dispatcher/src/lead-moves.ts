import type { OutboxEntry } from '@pronto/bus';
import type { AttemptOutcome, LeadFact, LeadStatus } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { changeLead } from '@pronto/leads';
import { checkGates, type GateBlock, leadCalendar, leadZone, readDialFacts } from './gates.ts';
import { DISPATCHER_RELAY } from './records.ts';
import { nextRetry, resolveRetryPolicy } from './retry-policy.ts';
import type { LeadRow } from './rows.ts';

type Events = readonly LeadFact[];

/**
 * Moves the lead to `status` (closing it for the final ones), raises its version, and records the
 * history and the messages in the same transaction.
 */
export async function moveLead(
  tx: SqlQueryable,
  lead: LeadRow,
  now: Date,
  change: {
    status: LeadStatus;
    events: Events;
    nextAttemptAt?: number | null;
    suppression?: string;
    close?: boolean;
    messages?: readonly OutboxEntry[];
  },
): Promise<void> {
  const version = lead.version + 1;
  await changeLead(
    tx,
    now,
    {
      lead,
      version,
      status: change.status,
      set: { next_attempt_at: change.nextAttemptAt != null ? new Date(change.nextAttemptAt) : null },
      suppression: change.suppression ?? null,
      close: change.close ?? false,
      facts: change.events,
    },
    { messages: change.messages ?? [], relay: DISPATCHER_RELAY },
  );
  lead.version = version;
  lead.status = change.status;
}

/** A gate blocked the dial: wait for the window or the cap, or close the lead when it never may be dialed. */
export async function blockDial(
  tx: SqlQueryable,
  lead: LeadRow,
  block: GateBlock,
  now: Date,
  messages: readonly OutboxEntry[] = [],
): Promise<void> {
  const detail = {
    gate: block.gate,
    why: block.why,
    ...(block.retryAt !== undefined ? { retryAt: new Date(block.retryAt).toISOString() } : {}),
  };
  const events: Events = [{ type: 'dial_blocked', detail }];
  if (block.retryAt !== undefined) {
    await moveLead(tx, lead, now, {
      status: 'waiting_retry',
      events,
      nextAttemptAt: block.retryAt,
      messages,
    });
  } else if (block.gate === 'dnc') {
    await moveLead(tx, lead, now, {
      status: 'suppressed',
      events,
      suppression: 'dnc',
      close: true,
      messages,
    });
  } else if (block.gate === 'suppressed') {
    await moveLead(tx, lead, now, { status: 'suppressed', events, close: true, messages });
  } else {
    await moveLead(tx, lead, now, {
      status: 'expired',
      events: [...events, { type: 'expired', detail: { reason: block.gate } }],
      close: true,
      messages,
    });
  }
}

/** The gates for the lead now, reading what they need. */
export async function gatesFor(tx: SqlQueryable, lead: LeadRow, now: Date) {
  const facts = await readDialFacts(tx, lead);
  return { facts, block: checkGates(lead, facts, now.getTime()) };
}

/** A dial that did not reach the person: schedule the retry, or expire the lead at its caps. */
export async function afterFailedDial(
  tx: SqlQueryable,
  lead: LeadRow,
  outcome: AttemptOutcome,
  now: Date,
  messages: readonly OutboxEntry[],
  /** History entries of the same change that come first (the call's end). */
  before: Events = [],
): Promise<void> {
  const facts = await readDialFacts(tx, lead);
  const decision = nextRetry({
    policy: resolveRetryPolicy(lead.retry_policy),
    dials: facts.dials,
    dueAt: lead.due_at ? new Date(lead.due_at).getTime() : now.getTime(),
    now: now.getTime(),
    calendar: leadCalendar(lead),
    zone: leadZone(lead),
  });
  if ('expire' in decision) {
    await moveLead(tx, lead, now, {
      status: 'expired',
      events: [
        { type: 'expired', detail: { reason: decision.expire, why: decision.why, lastOutcome: outcome } },
      ],
      close: true,
      messages,
    });
    return;
  }
  await moveLead(tx, lead, now, {
    status: 'waiting_retry',
    nextAttemptAt: decision.retryAt,
    events: [
      ...before,
      {
        type: 'retry_scheduled',
        detail: {
          retryAt: new Date(decision.retryAt).toISOString(),
          delay: decision.delay,
          why: decision.why,
          outcome,
        },
      },
    ],
    messages,
  });
}
