import { randomUUID } from 'node:crypto';
import type { Sql } from '@pronto/db';
import type { BusMessage } from '../bus.ts';
import { appendToOutbox } from '../outbox.ts';
import type { OutboxRelay } from '../outbox-relay.ts';

/** A message of `key` carrying its sequence number, for tests that check order per key. */
export const testMessage = (key: string, seq: number): BusMessage => ({
  id: randomUUID(),
  type: 'test',
  version: 1,
  occurredAt: new Date().toISOString(),
  key,
  payload: { seq },
});

/** Waits (20 ms between looks, at most 20 s) until `predicate` holds; else throws naming `what`. */
export async function until(what: string, predicate: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One transaction writing message `seq` of keys a, b and c to the outbox for `leads`; then the relay's wake. */
export async function appendForKeys(sql: Sql, relay: OutboxRelay, seq: number): Promise<void> {
  await sql.transaction((tx) =>
    appendToOutbox(
      tx,
      ['a', 'b', 'c'].map((key) => ({ topic: 'leads', message: testMessage(key, seq) })),
      new Date(),
    ),
  );
  relay.wake();
}
