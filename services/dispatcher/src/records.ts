import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '@pronto/bus';
import type { LeadEventV1 } from '@pronto/contracts';
import type { SqlQueryable } from '@pronto/db';

/** The relay name of the dispatcher's outbox rows (scoring writes `lead-events` too). */
export const DISPATCHER_RELAY = 'dispatcher';

export interface LeadRef {
  readonly id: string;
  readonly tenant_id: string;
  readonly campaign_id: string;
}

export interface LeadChange {
  readonly lead: LeadRef;
  /** The lead's version after the change. */
  readonly version: number;
  readonly status: string;
  readonly events: readonly { type: string; detail: Record<string, unknown> }[];
}

/** A lead's history entries as `lead.event` messages on `lead-events`. */
export function leadEvents(change: LeadChange, now: Date): OutboxEntry[] {
  const at = now.toISOString();
  return change.events.map((entry) => {
    const message: LeadEventV1 = {
      type: 'lead.event',
      version: 1,
      id: randomUUID(),
      occurredAt: at,
      key: change.lead.id,
      payload: {
        leadId: change.lead.id,
        tenantId: change.lead.tenant_id,
        campaignId: change.lead.campaign_id,
        leadVersion: change.version,
        event: entry.type,
        at,
        status: change.status,
        detail: entry.detail,
      },
    };
    return { topic: 'lead-events', message };
  });
}

/**
 * Writes the lead's history rows and every message announcing the change in one statement, inside
 * the transaction that made the change: they exist exactly when it is committed.
 */
export async function record(
  tx: SqlQueryable,
  now: Date,
  changes: readonly LeadChange[],
  messages: readonly OutboxEntry[],
): Promise<void> {
  const history = changes.flatMap((change) =>
    change.events.map((entry) => ({ leadId: change.lead.id, type: entry.type, detail: entry.detail })),
  );
  const outbox = [...changes.flatMap((change) => leadEvents(change, now)), ...messages];
  await tx.query(
    `WITH history AS (
       INSERT INTO lead_history (lead_id, at, type, detail)
       SELECT h.lead_id::uuid, $1, h.type, h.detail::jsonb
         FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS h(lead_id, type, detail, n)
        ORDER BY h.n
     )
     INSERT INTO outbox (topic, key, message, created_at, relay)
     SELECT o.topic, o.key, o.message::jsonb, $1, $8
       FROM unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS o(topic, key, message, n)
      ORDER BY o.n`,
    [
      now.toISOString(),
      history.map((h) => h.leadId),
      history.map((h) => h.type),
      history.map((h) => JSON.stringify(h.detail)),
      outbox.map((o) => o.topic),
      outbox.map((o) => o.message.key),
      outbox.map((o) => JSON.stringify(o.message)),
      DISPATCHER_RELAY,
    ],
  );
}

/** A bus envelope for one of the dispatcher's messages. */
export function envelope<Payload>(type: string, key: string, payload: Payload, now: Date) {
  return { type, version: 1 as const, id: randomUUID(), occurredAt: now.toISOString(), key, payload };
}
