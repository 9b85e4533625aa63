import type { SqlQueryable } from '@pronto/db';
import type { BusMessage } from './bus.ts';

export interface OutboxEntry {
  readonly topic: string;
  readonly message: BusMessage;
}

/**
 * Writes messages to the outbox inside the caller's transaction, so they exist exactly when the
 * effect they announce is committed; the relay publishes them afterwards.
 */
export async function appendToOutbox(
  tx: SqlQueryable,
  entries: readonly OutboxEntry[],
  now: Date,
  /** The relay that publishes these rows (see OutboxRelayOptions.relay). */
  relay = 'main',
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO outbox (topic, key, message, created_at, relay)
     SELECT o.topic, o.key, o.message::jsonb, $4, $5
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS o(topic, key, message, n)
      ORDER BY o.n`,
    [
      entries.map((e) => e.topic),
      entries.map((e) => e.message.key),
      entries.map((e) => JSON.stringify(e.message)),
      now.toISOString(),
      relay,
    ],
  );
}
