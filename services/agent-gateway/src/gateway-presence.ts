import type { Sql } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';

/** How long an instance's agents count as connected after its last renewal. Default 10 s. */
export const DEFAULT_LEASE_MS = 10_000;

export interface GatewayPresenceOptions {
  readonly sql: Sql;
  readonly logger: Logger;
  readonly instanceId: string;
  readonly now: () => Date;
  readonly leaseMs: number;
}

/**
 * This gateway instance's rows (`gateway_instance`, `agent_presence`): the proof, renewed every
 * third of the lease, that its agents' sockets are alive. When it stops renewing (killed, its
 * machine lost), the dispatcher's presence sweep takes offline the agents connected only here.
 */
export interface GatewayPresence {
  readonly instanceId: string;
  /**
   * Renews the instance's lease when a third of it has passed on the clock, and makes the rows of
   * this instance those of the agents connected here (a row the sweep removed during a stall comes
   * back; one left by a socket that closed meanwhile goes).
   */
  renewIfDue(agentIds: readonly string[]): Promise<void>;
  /** The agent's row on this instance, before its `online` is published. */
  connected(agentId: string): Promise<void>;
  /** Removes the agent's row on this instance, after its `offline` is published. */
  disconnected(agentId: string): Promise<void>;
  /** Whether a live instance other than this one holds a socket of the agent. */
  heldElsewhere(agentId: string): Promise<boolean>;
  /** Removes the instance and whatever rows of its agents are left. */
  stop(): Promise<void>;
}

export function createGatewayPresence(options: GatewayPresenceOptions): GatewayPresence {
  const { sql, logger, instanceId, now, leaseMs } = options;
  const startedAt = now().toISOString();
  let renewedAt = Number.NEGATIVE_INFINITY;

  /** The instance's row with a lease from now; started_at stays the first one's. */
  async function renewLease() {
    const at = now();
    await sql.query(
      `INSERT INTO gateway_instance (id, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at`,
      [instanceId, startedAt, at.toISOString(), new Date(at.getTime() + leaseMs).toISOString()],
    );
    renewedAt = at.getTime();
  }

  /**
   * The agents' rows on this instance. A new socket (`fresh`) moves connected_at to now: the
   * dispatcher ignores an `offline` about a socket that ended before it. A renewal keeps it.
   */
  async function writeRows(agentIds: readonly string[], fresh: boolean) {
    if (agentIds.length === 0) return;
    await sql.query(
      `INSERT INTO agent_presence (agent_id, gateway_instance_id, connected_at)
       SELECT agent_id, $2, $3 FROM unnest($1::uuid[]) AS a(agent_id)
       ON CONFLICT (agent_id, gateway_instance_id) DO ${fresh ? 'UPDATE SET connected_at = EXCLUDED.connected_at' : 'NOTHING'}`,
      [agentIds, instanceId, now().toISOString()],
    );
  }

  return {
    instanceId,
    async renewIfDue(agentIds) {
      // The list was read before this moment; an agent that connects while the renewal runs is
      // not in it, and its row, written after this moment, stays.
      const started = now();
      if (started.getTime() - renewedAt < leaseMs / 3) return;
      await renewLease();
      await writeRows(agentIds, false);
      // A row written back for an agent that left meanwhile lasts until the next renewal, no longer.
      await sql.query(
        `DELETE FROM agent_presence
          WHERE gateway_instance_id = $1 AND NOT (agent_id = ANY($2::uuid[])) AND connected_at < $3`,
        [instanceId, agentIds, started.toISOString()],
      );
    },
    async connected(agentId) {
      // The lease too: on a clock that jumped (a stalled process, a test's clock) the row must not
      // land on an instance the dispatcher already counts as dead.
      if (now().getTime() - renewedAt >= leaseMs / 3) await renewLease();
      await writeRows([agentId], true);
    },
    async disconnected(agentId) {
      await sql.query('DELETE FROM agent_presence WHERE agent_id = $1 AND gateway_instance_id = $2', [
        agentId,
        instanceId,
      ]);
    },
    async heldElsewhere(agentId) {
      const rows = await sql.query(
        `SELECT 1 FROM agent_presence p JOIN gateway_instance g ON g.id = p.gateway_instance_id
          WHERE p.agent_id = $1 AND p.gateway_instance_id <> $2 AND g.expires_at > $3 LIMIT 1`,
        [agentId, instanceId, now().toISOString()],
      );
      return rows.length > 0;
    },
    async stop() {
      try {
        await sql.query('DELETE FROM agent_presence WHERE gateway_instance_id = $1', [instanceId]);
        await sql.query('DELETE FROM gateway_instance WHERE id = $1', [instanceId]);
      } catch (error) {
        // The dispatcher's sweep removes them once the lease has passed.
        logger.warn({ err: error, instanceId }, 'could not remove the gateway instance rows');
      }
    },
  };
}
