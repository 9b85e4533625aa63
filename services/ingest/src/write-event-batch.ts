import { randomUUID } from 'node:crypto';
import type { EventAnswer, EventStatus, IntentReceivedV1, LeadFact } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';
import { recordHistory } from '@pronto/leads';
import type { PreparedEvent, WriteOutcome } from './prepared-event.ts';

const eventKey = (event: PreparedEvent) => `${event.tenantId}\u0000${event.eventId}`;
const personKey = (event: PreparedEvent) =>
  `${event.tenantId}\u0000${event.campaignId}\u0000${event.phoneE164}`;

/** Thrown to roll back and retry a batch that raced another request carrying the same eventId. */
export class ConcurrentEventIdError extends Error {
  readonly code = 'PRONTO_CONCURRENT_EVENT_ID';
  constructor() {
    super('an eventId of this batch was stored by a concurrent request');
  }
}

/**
 * Stores a group of events in one transaction with a fixed number of set-based statements, however
 * many events there are: the events (idempotent on tenant + eventId), their leads (a repeat intent
 * merges into the person's open lead), the lead history, and one outbox message per new event.
 * Rows are inserted in key order so that concurrent batches lock in the same order and cannot deadlock.
 */
export async function writeEventBatch(
  tx: SqlQueryable,
  events: readonly PreparedEvent[],
  now: Date,
): Promise<WriteOutcome[]> {
  const outcomes = new Array<WriteOutcome | undefined>(events.length);
  const firstByKey = new Map<string, number>();
  const firsts: number[] = [];
  events.forEach((event, index) => {
    if (!firstByKey.has(eventKey(event))) {
      firstByKey.set(eventKey(event), index);
      firsts.push(index);
    }
  });

  // Events stored before (or by a concurrent batch that committed first): answer as the first time.
  const storedRows = await tx.query<{
    tenant_id: string;
    event_id: string;
    body_sha256: string;
    lead_id: string;
    result_status: EventStatus;
  }>(
    `SELECT e.tenant_id, e.event_id, e.body_sha256, e.lead_id, e.result_status
       FROM intent_event e
       JOIN unnest($1::uuid[], $2::text[]) AS k(tenant_id, event_id) USING (tenant_id, event_id)`,
    [firsts.map((i) => events[i]?.tenantId), firsts.map((i) => events[i]?.eventId)],
  );
  const storedByKey = new Map(storedRows.map((row) => [`${row.tenant_id}\u0000${row.event_id}`, row]));
  const fresh: { index: number; rowId: string }[] = [];
  for (const index of firsts) {
    const event = events[index] as PreparedEvent;
    const row = storedByKey.get(eventKey(event));
    if (!row) fresh.push({ index, rowId: randomUUID() });
    else
      outcomes[index] =
        row.body_sha256 === event.bodyHash
          ? {
              kind: 'replayed',
              answer: { eventId: event.eventId, leadId: row.lead_id, status: row.result_status },
            }
          : { kind: 'conflict', eventId: event.eventId };
  }

  const answers = await createOrMergeLeads(tx, events, fresh, now);
  fresh.forEach(({ index }, position) => {
    outcomes[index] = { kind: 'accepted', answer: answers[position] as EventAnswer };
  });

  if (fresh.length > 0) {
    // The events are written with their answer, never updated after: no second row version, no
    // dead tuples to vacuum. One round trip for three tables: the events beside the leads' history
    // rows and their `intents` messages (data-modifying CTEs all run).
    const stored = await recordHistory(
      tx,
      now,
      fresh.map(({ index, rowId }, position) => ({
        leadId: (answers[position] as EventAnswer).leadId,
        fact: intakeFact(events[index] as PreparedEvent, rowId, answers[position] as EventAnswer),
      })),
      {
        messages: fresh.map(({ index, rowId }, position) => ({
          topic: 'intents',
          message: intentReceived(
            events[index] as PreparedEvent,
            rowId,
            answers[position] as EventAnswer,
            now,
          ),
        })),
        alongside: (param) =>
          `INSERT INTO intent_event (id, tenant_id, event_id, campaign_id, type, body_sha256, raw_body, occurred_at,
                                     received_at, lead_id, result_status)
           SELECT e.id, e.tenant_id, e.event_id, e.campaign_id, e.type, e.body_sha256, e.raw_body, e.occurred_at,
                  $1, e.lead_id, e.status
             FROM unnest(${param(fresh.map((f) => f.rowId))}::uuid[],
                         ${param(fresh.map(({ index }) => events[index]?.tenantId))}::uuid[],
                         ${param(fresh.map(({ index }) => events[index]?.eventId))}::text[],
                         ${param(fresh.map(({ index }) => events[index]?.campaignId))}::uuid[],
                         ${param(fresh.map(({ index }) => events[index]?.type))}::text[],
                         ${param(fresh.map(({ index }) => events[index]?.bodyHash))}::text[],
                         ${param(fresh.map(({ index }) => events[index]?.rawBody))}::text[],
                         ${param(fresh.map(({ index }) => events[index]?.occurredAt))}::timestamptz[],
                         ${param(answers.map((a) => a.leadId))}::uuid[],
                         ${param(answers.map((a) => a.status))}::text[])
               AS e(id, tenant_id, event_id, campaign_id, type, body_sha256, raw_body, occurred_at, lead_id, status)
            ORDER BY e.tenant_id, e.event_id
           ON CONFLICT (tenant_id, event_id) DO NOTHING
           RETURNING 1`,
      },
    );
    // A concurrent request stored one of these eventIds after our check: this transaction has
    // already merged it into a lead, so it must not commit. Retried, the check sees the stored event.
    if (stored !== fresh.length) throw new ConcurrentEventIdError();
  }

  // Repeats of an eventId inside this very group get the answer of its first occurrence.
  events.forEach((event, index) => {
    if (outcomes[index]) return;
    const first = outcomes[firstByKey.get(eventKey(event)) as number] as WriteOutcome;
    const firstEvent = events[firstByKey.get(eventKey(event)) as number] as PreparedEvent;
    outcomes[index] =
      first.kind !== 'conflict' && firstEvent.bodyHash === event.bodyHash
        ? { kind: 'replayed', answer: first.answer }
        : { kind: 'conflict', eventId: event.eventId };
  });
  return outcomes as WriteOutcome[];
}

/** Opens a lead per new person, merges repeats into the open one, and keeps suppressed events apart. */
async function createOrMergeLeads(
  tx: SqlQueryable,
  events: readonly PreparedEvent[],
  fresh: readonly { index: number }[],
  now: Date,
): Promise<EventAnswer[]> {
  const answers: EventAnswer[] = new Array(fresh.length);
  const at = now.toISOString();

  const suppressed = fresh
    .map((f, position) => ({ event: events[f.index] as PreparedEvent, position }))
    .filter((x) => x.event.suppression);
  if (suppressed.length > 0) {
    const ids = suppressed.map(() => randomUUID());
    await tx.query(
      `INSERT INTO lead (id, tenant_id, campaign_id, phone_e164, name, time_zone, status, suppression_reason,
                         received_at, last_intent_at, closed_at, updated_at)
       SELECT l.id, l.tenant_id, l.campaign_id, l.phone, l.name, l.time_zone, 'suppressed', l.reason, $7, $7, $7, $7
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $8::text[])
           AS l(id, tenant_id, campaign_id, phone, name, time_zone, reason)`,
      [
        ids,
        suppressed.map((s) => s.event.tenantId),
        suppressed.map((s) => s.event.campaignId),
        suppressed.map((s) => s.event.phoneE164),
        suppressed.map((s) => s.event.name),
        suppressed.map((s) => s.event.timeZone),
        at,
        suppressed.map((s) => s.event.suppression),
      ],
    );
    suppressed.forEach((s, i) => {
      answers[s.position] = { eventId: s.event.eventId, leadId: ids[i] as string, status: 'suppressed' };
    });
  }

  // One row per person: ON CONFLICT DO UPDATE may touch a row only once per statement.
  const people = new Map<string, { event: PreparedEvent; positions: number[]; id: string }>();
  fresh.forEach((f, position) => {
    const event = events[f.index] as PreparedEvent;
    if (event.suppression) return;
    const person = people.get(personKey(event));
    if (person) person.positions.push(position);
    else people.set(personKey(event), { event, positions: [position], id: randomUUID() });
  });
  if (people.size === 0) return answers;

  const groups = [...people.values()];
  const rows = await tx.query<{
    id: string;
    tenant_id: string;
    campaign_id: string;
    phone_e164: string;
    inserted: boolean;
  }>(
    `INSERT INTO lead (id, tenant_id, campaign_id, phone_e164, name, time_zone, status, intent_count,
                       received_at, last_intent_at, updated_at)
     SELECT l.id, l.tenant_id, l.campaign_id, l.phone, l.name, l.time_zone, 'received', l.intents, $8, $8, $8
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[])
         AS l(id, tenant_id, campaign_id, phone, name, time_zone, intents)
      ORDER BY l.tenant_id, l.campaign_id, l.phone
     ON CONFLICT (tenant_id, campaign_id, phone_e164) WHERE closed_at IS NULL
     DO UPDATE SET intent_count = lead.intent_count + EXCLUDED.intent_count,
                   last_intent_at = EXCLUDED.last_intent_at,
                   name = COALESCE(lead.name, EXCLUDED.name),
                   time_zone = COALESCE(lead.time_zone, EXCLUDED.time_zone),
                   version = lead.version + 1,
                   updated_at = EXCLUDED.updated_at
     RETURNING id, tenant_id, campaign_id, phone_e164, (xmax = 0) AS inserted`,
    [
      groups.map((g) => g.id),
      groups.map((g) => g.event.tenantId),
      groups.map((g) => g.event.campaignId),
      groups.map((g) => g.event.phoneE164),
      groups.map((g) => g.event.name),
      groups.map((g) => g.event.timeZone),
      groups.map((g) => g.positions.length),
      at,
    ],
  );
  const byPerson = new Map(
    rows.map((row) => [`${row.tenant_id}\u0000${row.campaign_id}\u0000${row.phone_e164}`, row]),
  );
  for (const group of groups) {
    const row = byPerson.get(personKey(group.event));
    if (!row) throw new Error('lead upsert returned no row for a person in the batch');
    group.positions.forEach((position, i) => {
      const event = events[(fresh[position] as { index: number }).index] as PreparedEvent;
      answers[position] = {
        eventId: event.eventId,
        leadId: row.id,
        status: row.inserted && i === 0 ? 'accepted' : 'merged',
      };
    });
  }
  return answers;
}

/** The lead's history fact for a stored event: the lead opened, merged into, or suppressed at intake. */
function intakeFact(event: PreparedEvent, intentEventId: string, answer: EventAnswer): LeadFact {
  const detail = { eventId: event.eventId, intentEventId, type: event.type };
  if (answer.status === 'accepted') return { type: 'received', detail };
  if (answer.status === 'merged') return { type: 'merged', detail };
  return {
    type: 'suppressed',
    detail: { ...detail, ...(event.suppression ? { reason: event.suppression } : {}) },
  };
}

/**
 * The `intents` message announcing a stored event. Keyed by lead: the intents of one person stay in
 * order, and scoring instances (and Kafka partitions) share the work of a busy campaign.
 */
function intentReceived(
  event: PreparedEvent,
  intentEventId: string,
  answer: EventAnswer,
  now: Date,
): IntentReceivedV1 {
  return {
    type: 'intent.received',
    version: 1,
    id: randomUUID(),
    occurredAt: now.toISOString(),
    key: answer.leadId,
    payload: {
      tenantId: event.tenantId,
      campaignId: event.campaignId,
      leadId: answer.leadId,
      intentEventId,
      status: answer.status,
      phoneE164: event.phoneE164,
      receivedAt: now.toISOString(),
      event: event.event,
    },
  };
}
