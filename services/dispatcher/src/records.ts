import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '@pronto/bus';
import type { SqlQueryable } from '@pronto/db';
import { recordLeadChanges } from '@pronto/leads';

/** The relay name of the dispatcher's outbox rows (scoring writes `lead-events` too). */
export const DISPATCHER_RELAY = 'dispatcher';

/**
 * Writes the messages of a change that moved no lead (an agent's, a hang-up request) in the
 * transaction that made it, through the one writer of lead changes and their messages.
 */
export async function record(tx: SqlQueryable, now: Date, messages: readonly OutboxEntry[]): Promise<void> {
  await recordLeadChanges(tx, now, [], { messages, relay: DISPATCHER_RELAY });
}

/** A bus envelope for one of the dispatcher's messages. */
export function envelope<Payload>(type: string, key: string, payload: Payload, now: Date) {
  return { type, version: 1 as const, id: randomUUID(), occurredAt: now.toISOString(), key, payload };
}
