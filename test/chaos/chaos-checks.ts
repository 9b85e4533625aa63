import type { Sql } from '@pronto/db';

/** One attempt's hold: from the offer until the lead and the agent were released. */
export interface Hold {
  id: string;
  lead_id: string;
  agent_id: string;
  offered_at: Date;
  released_at: Date | null;
}

export function readHolds(sql: Sql): Promise<Hold[]> {
  return sql.query<Hold>(
    'SELECT id::text, lead_id::text, agent_id::text, offered_at, released_at FROM attempt WHERE offered_at IS NOT NULL',
  );
}

/** Pairs of holds of one key (a lead, or an agent) whose time spans overlap, as "first / second". */
export function overlaps(holds: Hold[], key: 'lead_id' | 'agent_id'): string[] {
  const byKey = new Map<string, Hold[]>();
  for (const hold of holds) byKey.set(hold[key], [...(byKey.get(hold[key]) ?? []), hold]);
  const found: string[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.offered_at.getTime() - b.offered_at.getTime());
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1] as Hold;
      const after = list[i] as Hold;
      if (before.released_at === null || before.released_at > after.offered_at)
        found.push(
          `${key} ${before[key]}: ${before.id} held ${before.offered_at.toISOString()}..${before.released_at?.toISOString() ?? 'open'}, ${after.id} offered ${after.offered_at.toISOString()}`,
        );
    }
  }
  return found;
}

/** Where a lead's work is done, or waits for a time (a retry, a callback): no agent or call holds it. */
export const SETTLED = ['dispositioned', 'suppressed', 'expired', 'waiting_retry'] as const;

/** Leads per status, and how many attempts are still open. */
export async function leadStatuses(
  sql: Sql,
): Promise<{ byStatus: Record<string, number>; openAttempts: number }> {
  const rows = await sql.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM lead GROUP BY status ORDER BY status',
  );
  const [open] = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM attempt WHERE released_at IS NULL',
  );
  return { byStatus: Object.fromEntries(rows.map((row) => [row.status, row.n])), openAttempts: open?.n ?? 0 };
}

export const isSettled = (statuses: Awaited<ReturnType<typeof leadStatuses>>) =>
  statuses.openAttempts === 0 &&
  Object.keys(statuses.byStatus).every((status) => (SETTLED as readonly string[]).includes(status));

/** Polls a condition every `everyMs` until it holds; fails with `what` (and the last look) after `ms`. */
export async function until<T>(
  what: string,
  look: () => Promise<T>,
  holds: (seen: T) => boolean,
  ms: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const seen = await look();
    if (holds(seen)) return seen;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting until ${what}; last seen: ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
