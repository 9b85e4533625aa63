import type { Sql, SqlQueryable } from '@pronto/db';

export type ConsumeResult<T> = { readonly applied: true; readonly value: T } | { readonly applied: false };

/**
 * Applies a message's effect at most once per consumer: the message id is recorded in the same
 * transaction as the effect, so a redelivered message (the bus is at-least-once) finds its id and
 * is skipped, and a crash before commit leaves neither the effect nor the record.
 */
export function consumeOnce<T>(
  sql: Sql,
  consumer: string,
  messageId: string,
  effect: (tx: SqlQueryable) => Promise<T>,
): Promise<ConsumeResult<T>> {
  return sql.transaction(async (tx) => {
    if (!(await recordProcessed(tx, consumer, messageId))) return { applied: false } as const;
    return { applied: true, value: await effect(tx) } as const;
  });
}

/**
 * Records that `consumer` handles `messageId` in the caller's transaction; false when it was
 * recorded before (a redelivery: skip the effect). A concurrent duplicate waits on the first one's
 * row and then sees it.
 */
export async function recordProcessed(
  tx: SqlQueryable,
  consumer: string,
  messageId: string,
): Promise<boolean> {
  const recorded = await tx.query(recordProcessedSql('$1', '$2'), [consumer, messageId]);
  return recorded.length > 0;
}

/**
 * The statement recordProcessed runs, with the consumer and the message id at the given
 * parameters: a row when the id is new, none when it was recorded before. For a consumer that
 * records the id in the statement of its effect (`WITH recorded AS (...)`), one round trip fewer.
 */
export const recordProcessedSql = (consumer: string, messageId: string) =>
  `INSERT INTO processed_message (consumer, message_id) VALUES (${consumer}, ${messageId})
   ON CONFLICT (consumer, message_id) DO NOTHING RETURNING 1 AS recorded`;
