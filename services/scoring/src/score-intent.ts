import { randomUUID } from 'node:crypto';
import { type OutboxEntry, recordProcessedSql } from '@pronto/bus';
import type { IntentReceivedV1, LeadFact, LeadQueuedV1, LeadStatus, ScoreFactor } from '@pronto/contracts';
import type { CampaignRow, LeadRow as LeadColumns, SqlQueryable } from '@pronto/db';
import { changeLead } from '@pronto/leads';
import { type CallingCalendar, computeSlaDue, resolveZone, type SlaClock } from '@pronto/sla';
import { numberSuppression } from './classify-number.ts';
import { computeScore, weightsFrom } from './compute-score.ts';

/** The lead and its campaign's scoring settings, as scoreIntent reads them. */
type LeadRow = Pick<
  LeadColumns,
  | 'id'
  | 'tenant_id'
  | 'campaign_id'
  | 'phone_e164'
  | 'score'
  | 'time_zone'
  | 'intent_count'
  | 'received_at'
  | 'anchor_at'
  | 'due_at'
  | 'closed_at'
  | 'suppression_reason'
  | 'version'
> &
  Pick<CampaignRow, 'sla_seconds' | 'scoring_weights'> & {
    status: LeadStatus;
    sla_clock: SlaClock;
    campaign_zone: string;
    calling_windows: CallingCalendar['windows'];
    holidays: CallingCalendar['holidays'];
    on_dnc: boolean;
  };

export type ScoringOutcome = 'queued' | 'rescored' | 'suppressed' | 'unchanged' | 'duplicate';

interface Change {
  status: LeadStatus;
  score: number;
  factors: ScoreFactor[];
  timeZone: string;
  anchorAt: Date | null;
  dueAt: Date | null;
  suppression: string | null;
  close: boolean;
  history: LeadFact[];
  /** Transitions intake already wrote to the history that still need announcing on lead-events. */
  announce?: LeadFact[];
}

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Scoring's effect for one intent, inside the consumer's transaction: the first intent of a lead
 * resolves its zone, passes the compliance gates (DNC, callable number), anchors the SLA and queues
 * it; a repeat intent re-scores the open lead (never a second call). Writes the lead, its history
 * and the `leads` / `lead-events` messages together.
 */
export async function scoreIntent(
  tx: SqlQueryable,
  message: IntentReceivedV1,
  now: Date,
  consumer: string,
): Promise<ScoringOutcome> {
  const { payload } = message;
  // The first statement also records the message id (@pronto/bus recordProcessedSql): a
  // redelivered intent finds it recorded and changes nothing. Two round trips per intent in all.
  const [lead] = await tx.query<LeadRow & { fresh: boolean }>(
    `WITH recorded AS (
       ${recordProcessedSql('$2', '$3')}
     )
     SELECT EXISTS (SELECT 1 FROM recorded) AS fresh, l.id, l.tenant_id, l.campaign_id, l.phone_e164, l.status, l.score, l.time_zone, l.intent_count,
            l.received_at, l.anchor_at, l.due_at, l.closed_at, l.suppression_reason, l.version,
            c.sla_seconds, c.sla_clock, c.time_zone AS campaign_zone, c.calling_windows, c.holidays,
            c.scoring_weights,
            EXISTS (SELECT 1 FROM dnc_entry d WHERE d.tenant_id = l.tenant_id AND d.phone_e164 = l.phone_e164) AS on_dnc
       FROM lead l JOIN campaign c ON c.id = l.campaign_id
      WHERE l.id = $1
      FOR UPDATE OF l`,
    [payload.leadId, consumer, message.id],
  );
  if (!lead) throw new Error(`lead ${payload.leadId} of intent ${payload.intentEventId} does not exist`);
  if (!lead.fresh) return 'duplicate';

  const change = decide(lead, message);
  if (!change) return 'unchanged';
  const version = lead.version + 1;
  // One round trip writes the lead, its history and the messages announcing the change.
  await changeLead(
    tx,
    now,
    {
      lead,
      version,
      status: change.status,
      set: {
        score: change.score,
        score_factors: change.factors,
        time_zone: change.timeZone,
        anchor_at: change.anchorAt,
        due_at: change.dueAt,
      },
      suppression: change.suppression,
      close: change.close,
      facts: change.history,
      ...(change.announce ? { announce: change.announce } : {}),
    },
    { messages: queuedMessage(lead, change, version, now) },
  );
  if (change.status === 'suppressed') return 'suppressed';
  // anchor_at is read before this change: set means the lead was already queued.
  return lead.anchor_at ? 'rescored' : 'queued';
}

function decide(lead: LeadRow, message: IntentReceivedV1): Change | null {
  const { payload } = message;
  const zone = lead.time_zone
    ? { zone: lead.time_zone, source: 'lead' as const }
    : resolveZone({
        eventZone: payload.event.person.timeZone ?? null,
        phoneE164: lead.phone_e164,
        campaignZone: lead.campaign_zone,
      });
  const score = computeScore({
    event: payload.event,
    intents: lead.intent_count,
    receivedAt: new Date(payload.receivedAt),
    zone: zone.zone,
    weights: weightsFrom(lead.scoring_weights),
  });
  const base = { score: score.score, factors: score.factors, timeZone: zone.zone };

  if (lead.status === 'suppressed' && lead.score === null && payload.status === 'suppressed') {
    // Suppressed at intake (no consent): keep the score for the record and tell reporting.
    return {
      ...base,
      status: 'suppressed',
      anchorAt: null,
      dueAt: null,
      suppression: null,
      close: true,
      history: [{ type: 'scored', detail: { score: score.score, factors: score.factors } }],
      announce: [{ type: 'suppressed', detail: { reason: lead.suppression_reason } }],
    };
  }

  if (lead.anchor_at !== null || lead.closed_at !== null) {
    // Already scored (a repeat intent), or closed meanwhile: keep the SLA, raise the score only.
    if (lead.closed_at !== null || lead.score === null || score.score <= lead.score) return null;
    return {
      ...base,
      status: lead.status,
      anchorAt: lead.anchor_at ? new Date(lead.anchor_at) : null,
      dueAt: lead.due_at ? new Date(lead.due_at) : null,
      suppression: null,
      close: false,
      history: [
        { type: 'rescored', detail: { score: score.score, previous: lead.score, factors: score.factors } },
      ],
    };
  }

  const zoneDetail = {
    zone: zone.zone,
    zoneSource: zone.source,
    ...('note' in zone && zone.note ? { zoneNote: zone.note } : {}),
  };
  const gate = lead.on_dnc
    ? { reason: 'dnc', detail: "the number is on the tenant's do-not-call list" }
    : numberSuppression(lead.phone_e164);
  if (gate) {
    return {
      ...base,
      status: 'suppressed',
      anchorAt: null,
      dueAt: null,
      suppression: gate.reason,
      close: true,
      history: [
        {
          type: 'suppressed',
          detail: { reason: gate.reason, why: gate.detail, score: score.score, ...zoneDetail },
        },
      ],
    };
  }

  const acceptedAt = new Date(lead.received_at);
  const calendar = { windows: lead.calling_windows, holidays: lead.holidays };
  let sla = computeSlaDue({
    clock: lead.sla_clock,
    slaSeconds: lead.sla_seconds,
    acceptedAt,
    calendar,
    zone: zone.zone,
  });
  const slaNote = sla ? {} : { slaNote: 'the campaign has no calling window; the calendar clock is used' };
  sla ??= computeSlaDue({
    clock: 'calendar',
    slaSeconds: lead.sla_seconds,
    acceptedAt,
    calendar,
    zone: zone.zone,
  });
  if (!sla) throw new Error('the calendar SLA clock always has a due time');
  return {
    ...base,
    status: 'queued',
    anchorAt: sla.anchorAt,
    dueAt: sla.dueAt,
    suppression: null,
    close: false,
    history: [
      { type: 'scored', detail: { score: score.score, factors: score.factors, ...zoneDetail } },
      {
        type: 'queued',
        detail: {
          zone: zone.zone,
          clock: sla ? lead.sla_clock : 'calendar',
          anchorAt: sla.anchorAt.toISOString(),
          dueAt: sla.dueAt.toISOString(),
          ...slaNote,
        },
      },
    ],
  };
}

/** The `leads` message that hands a queued lead to the dispatcher (after its lead.event messages). */
function queuedMessage(lead: LeadRow, change: Change, version: number, now: Date): OutboxEntry[] {
  if (change.status === 'suppressed' || !change.anchorAt || !change.dueAt) return [];
  const queued: LeadQueuedV1 = {
    type: 'lead.queued',
    version: 1,
    id: randomUUID(),
    occurredAt: now.toISOString(),
    key: `${lead.tenant_id}:${lead.campaign_id}`,
    payload: {
      leadId: lead.id,
      tenantId: lead.tenant_id,
      campaignId: lead.campaign_id,
      leadVersion: version,
      score: change.score,
      scoreFactors: change.factors,
      receivedAt: iso(lead.received_at),
      anchorAt: change.anchorAt.toISOString(),
      dueAt: change.dueAt.toISOString(),
      timeZone: change.timeZone,
      intents: lead.intent_count,
    },
  };
  return [{ topic: 'leads', message: queued }];
}
