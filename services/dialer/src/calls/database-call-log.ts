import type { AttemptOutcome } from '@pronto/contracts';
import type { Prisma, RowOf, Sql } from '@pronto/db';
import type { CallLog, PlacedCall } from './call-log.ts';

/** The call log in the database, and the deletion of what no redelivery can ask about any more. */
export interface DatabaseCallLog extends CallLog {
  /** Deletes the calls placed before `before` (a batch at most); answers how many. */
  sweep(before: Date): Promise<number>;
}

/** Rows deleted by one sweep, so that a large backlog never holds one long transaction. */
const SWEEP_BATCH = 10_000;

type DialerCallRow = RowOf<Prisma.DialerCallGetPayload<object>>;

/**
 * The call log in the database (`dialer_call`), shared by every dialer process on it: the insert
 * of the attempt's row decides which originate places the call, so a redelivery after a restart,
 * or to another instance, places none.
 */
export function databaseCallLog(sql: Sql): DatabaseCallLog {
  return {
    async place(attemptId, at) {
      const inserted = await sql.query(
        `INSERT INTO dialer_call (attempt_id, placed_at) VALUES ($1, $2)
         ON CONFLICT (attempt_id) DO NOTHING RETURNING attempt_id`,
        [attemptId, at],
      );
      if (inserted.length > 0) return undefined;
      const [row] = await sql.query<Pick<DialerCallRow, 'ended_at' | 'outcome'>>(
        'SELECT ended_at, outcome FROM dialer_call WHERE attempt_id = $1',
        [attemptId],
      );
      return placedCall(row);
    },
    async end(attemptId, outcome, at) {
      await sql.query(
        'UPDATE dialer_call SET ended_at = $2, outcome = $3 WHERE attempt_id = $1 AND ended_at IS NULL',
        [attemptId, at, outcome],
      );
    },
    async sweep(before) {
      const [row] = await sql.query<{ deleted: number }>(
        `WITH gone AS (
           DELETE FROM dialer_call WHERE attempt_id IN (
             SELECT attempt_id FROM dialer_call WHERE placed_at < $1 LIMIT $2)
           RETURNING 1)
         SELECT count(*)::int AS deleted FROM gone`,
        [before, SWEEP_BATCH],
      );
      return row?.deleted ?? 0;
    },
  };
}

/** The row of a conflicting insert, or none if it was pruned in between: placed all the same. */
function placedCall(row: Pick<DialerCallRow, 'ended_at' | 'outcome'> | undefined): PlacedCall {
  return { endedAt: row?.ended_at ?? null, outcome: (row?.outcome as AttemptOutcome | null) ?? null };
}
