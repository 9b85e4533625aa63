import type { Database } from '@pronto/db';

/**
 * Agents are shared out among dispatcher instances in this many shards. Every instance must use
 * the same count (the migration creates the rows), so it is a constant, not a setting.
 */
export const SHARD_COUNT = 32;

/** An agent's shard: the last byte of its id (random in a v4 or v7 UUID) modulo the shard count. */
export function agentShard(agentId: string): number {
  return Number.parseInt(agentId.slice(-2), 16) % SHARD_COUNT;
}

/** The same as agentShard, in SQL, for the agent id column `column`. */
export const agentShardSql = (column: string) => `get_byte(uuid_send(${column}), 15) % ${SHARD_COUNT}`;

export interface ShardRow {
  readonly shard: number;
  readonly holder: string | null;
  /** Epoch ms; null when nobody holds the shard. */
  readonly expiresAt: number | null;
}

export interface LeasePlan {
  /** The shards this instance holds after the renewal, in order. */
  readonly held: number[];
  /** Every row whose holder or expiry changes. */
  readonly changes: ShardRow[];
  /**
   * This instance holds less than its share while another holds more than its own: that one gives
   * the surplus back at its next renewal, and this one should look again soon after to take it.
   */
  readonly waiting: boolean;
}

/**
 * One renewal, decided from the shards' rows: keep and renew up to a fair share (the shard count
 * divided by the live instances, rounded up), give back what is above it so a newcomer can take
 * it, and take shards nobody holds or whose lease has run out until the share is reached.
 */
export function planLeases(input: {
  readonly rows: readonly ShardRow[];
  readonly me: string;
  /** Live instances, this one included. */
  readonly instances: number;
  readonly now: number;
  readonly leaseMs: number;
}): LeasePlan {
  const { rows, me, now, leaseMs } = input;
  const share = Math.ceil(rows.length / Math.max(1, input.instances));
  const mine = rows.filter((row) => row.holder === me);
  const kept = mine.slice(0, share);
  const released = mine.slice(share);
  const free = rows.filter(
    (row) => row.holder !== me && (row.holder === null || row.expiresAt === null || row.expiresAt <= now),
  );
  const taken = free.slice(0, Math.max(0, share - kept.length));
  const expiresAt = now + leaseMs;
  const changes: ShardRow[] = [
    ...[...kept, ...taken].map((row) => ({ shard: row.shard, holder: me, expiresAt })),
    ...released.map((row) => ({ shard: row.shard, holder: null, expiresAt: null })),
  ];
  const held = [...kept, ...taken].map((row) => row.shard).sort((a, b) => a - b);
  const others = new Map<string, number>();
  for (const row of rows)
    if (row.holder !== null && row.holder !== me && row.expiresAt !== null && row.expiresAt > now)
      others.set(row.holder, (others.get(row.holder) ?? 0) + 1);
  const waiting = held.length < share && [...others.values()].some((count) => count > share);
  return { held, changes, waiting };
}

export interface ShardLeases {
  /** This instance's id, as written in `dispatch_shard.holder`. */
  readonly instanceId: string;
  /**
   * The shards this instance may dispatch for now (renewing the leases first when a fifth of the
   * lease has passed since the last renewal); null when it holds every shard.
   */
  current(): Promise<readonly number[] | null>;
  /** How many shards this instance holds now (none once its lease ran out without a renewal). */
  heldCount(): number;
  /**
   * Renews on a timer too, so a long round (a slow database) does not let the leases run out;
   * `onError` hears a renewal that failed (it is tried again at the next tick).
   */
  keepRenewing(onError: (error: unknown) => void): void;
  /** Stops renewing and gives every shard back at once, so the others take them at their next renewal. */
  release(): Promise<void>;
}

/**
 * The leases of one dispatcher instance on the shared `dispatch_shard` rows. Renewals are
 * serialized by the rows' locks; the clock is injected, so takeover is tested with a fake one.
 * After an instance dies its shards are taken over within the lease plus one renewal interval
 * (a fifth of the lease): its instance row and its leases run out, and each survivor's next
 * renewal counts one instance fewer and takes its larger share.
 */
export function createShardLeases(deps: {
  readonly db: Database;
  readonly instanceId: string;
  readonly now: () => Date;
  readonly leaseMs: number;
}): ShardLeases {
  const { db, instanceId: me, leaseMs } = deps;
  const renewEveryMs = leaseMs / 5;
  let held: number[] = [];
  let heldUntil = Number.NEGATIVE_INFINITY;
  let renewedAt = Number.NEGATIVE_INFINITY;
  let waiting = false;
  let renewal: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function renew(now: number): Promise<void> {
    const plan = await db.sql.transaction(async (tx) => {
      // Locks every shard row in order first: one instance's renewal at a time sees and moves them,
      // and touches the instance rows only then (taking an instance row first deadlocks with another
      // renewal that holds the shards and forgets that instance).
      const rows = await tx.query<{ shard: number; holder: string | null; expires: number | null }>(
        `SELECT shard, holder, (extract(epoch FROM expires_at) * 1000)::float8 AS expires
           FROM dispatch_shard WHERE shard < $1 ORDER BY shard FOR UPDATE`,
        [SHARD_COUNT],
      );
      await tx.query(
        `INSERT INTO dispatch_instance (id, expires_at) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`,
        [me, new Date(now + leaseMs).toISOString()],
      );
      const [live] = await tx.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM dispatch_instance WHERE expires_at > $1',
        [new Date(now).toISOString()],
      );
      const result = planLeases({
        rows: rows.map((row) => ({
          shard: row.shard,
          holder: row.holder,
          expiresAt: row.expires === null ? null : Number(row.expires),
        })),
        me,
        instances: live?.n ?? 1,
        now,
        leaseMs,
      });
      if (result.changes.length > 0)
        await tx.query(
          `UPDATE dispatch_shard s SET holder = c.holder, expires_at = c.expires_at
             FROM unnest($1::int[], $2::text[], $3::timestamptz[]) AS c(shard, holder, expires_at)
            WHERE s.shard = c.shard`,
          [
            result.changes.map((change) => change.shard),
            result.changes.map((change) => change.holder),
            result.changes.map((change) =>
              change.expiresAt === null ? null : new Date(change.expiresAt).toISOString(),
            ),
          ],
        );
      // Instances gone for a whole lease are forgotten.
      await tx.query('DELETE FROM dispatch_instance WHERE expires_at < $1', [
        new Date(now - leaseMs).toISOString(),
      ]);
      return result;
    });
    held = plan.held;
    heldUntil = now + leaseMs;
    renewedAt = now;
    waiting = plan.waiting;
  }

  async function renewIfDue(): Promise<void> {
    const now = deps.now().getTime();
    // Short of its share while another gives its surplus back: look again at once, so the shards
    // handed over wait one round for a holder, not a fifth of the lease.
    if (!waiting && now - renewedAt < renewEveryMs && now >= renewedAt) return;
    renewal ??= renew(now).finally(() => {
      renewal = undefined;
    });
    await renewal;
  }
  // A lease this instance could not renew in time is no longer its own.
  const heldNow = () => (deps.now().getTime() >= heldUntil ? [] : held);

  return {
    instanceId: me,
    async current() {
      await renewIfDue();
      const shards = heldNow();
      return shards.length === SHARD_COUNT ? null : shards;
    },
    heldCount: () => heldNow().length,
    keepRenewing(onError) {
      timer ??= setInterval(() => renewIfDue().catch(onError), renewEveryMs / 2);
      timer.unref();
    },
    async release() {
      clearInterval(timer);
      await renewal?.catch(() => undefined);
      held = [];
      heldUntil = Number.NEGATIVE_INFINITY;
      // Shard rows first, then the instance row: the order renewals take them in.
      await db.sql.transaction(async (tx) => {
        await tx.query('UPDATE dispatch_shard SET holder = NULL, expires_at = NULL WHERE holder = $1', [me]);
        await tx.query('DELETE FROM dispatch_instance WHERE id = $1', [me]);
      });
    },
  };
}
