import type { Database } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import { applyAgentCommand } from './agent-commands.ts';
import type { DispatcherSettings } from './settings.ts';

/** How often a dispatcher instance looks for agents whose gateway died (on its own timer, apart from the rounds). */
export const PRESENCE_SWEEP_MS = 2_000;

const BATCH = 500;

interface PresenceDeps {
  readonly db: Database;
  readonly settings: DispatcherSettings;
  readonly logger: Logger;
}

export interface PresenceSweep {
  /** Sweeps when the last sweep is PRESENCE_SWEEP_MS old; returns how many agents it took offline. */
  sweepIfDue(now: Date): Promise<number>;
}

/** The presence sweep of one dispatcher instance, at most once per `everyMs` of its clock. */
export function createPresenceSweep(deps: PresenceDeps, everyMs = PRESENCE_SWEEP_MS): PresenceSweep {
  let last = Number.NEGATIVE_INFINITY;
  return {
    async sweepIfDue(now) {
      if (now.getTime() - last < everyMs) return 0;
      last = now.getTime();
      try {
        return await sweepPresence({ ...deps, now });
      } catch (error) {
        deps.logger.error({ err: error }, 'presence sweep failed; trying again at the next one');
        return 0;
      }
    },
  };
}

/** A presence row whose instance renews its lease: the agent's socket there is alive. */
const LIVE = `EXISTS (SELECT 1 FROM gateway_instance g
                       WHERE g.id = p.gateway_instance_id AND g.expires_at > $1)`;

/**
 * Takes offline the agents whose gateway died: those whose every presence row belongs to a gateway
 * instance past its lease (or whose instance row is gone), exactly as the gateway's own `offline`
 * would (an offered lead goes back to the queue), then deletes the dead instances and their rows.
 * An agent without any presence row (driven without a gateway) is left alone, and so is one still
 * connected to a live instance. Returns how many agents it took offline.
 */
export async function sweepPresence(deps: PresenceDeps & { readonly now: Date }): Promise<number> {
  const { db, logger, now } = deps;
  const at = now.toISOString();
  const lost = await db.sql.query<{ agent_id: string; tenant_id: string }>(
    `SELECT DISTINCT p.agent_id, a.tenant_id
       FROM agent_presence p JOIN agent a ON a.id = p.agent_id
      WHERE NOT EXISTS (SELECT 1 FROM agent_presence p2 JOIN gateway_instance g ON g.id = p2.gateway_instance_id
                         WHERE p2.agent_id = p.agent_id AND g.expires_at > $1)
      LIMIT ${BATCH}`,
    [at],
  );
  let offline = 0;
  for (const { agent_id: agentId, tenant_id: tenantId } of lost) {
    try {
      const taken = await db.sql.transaction(async (tx) => {
        // Under the agent's lock, again: the agent may have just connected to a live instance.
        await tx.query('SELECT id FROM agent WHERE id = $1 FOR UPDATE', [agentId]);
        const [live] = await tx.query(`SELECT 1 FROM agent_presence p WHERE p.agent_id = $2 AND ${LIVE}`, [
          at,
          agentId,
        ]);
        if (!live)
          await applyAgentCommand(
            { tx, now, settings: deps.settings },
            { agentId, tenantId, command: 'offline', at },
          );
        await tx.query(`DELETE FROM agent_presence p WHERE p.agent_id = $2 AND NOT ${LIVE}`, [at, agentId]);
        return !live;
      });
      if (taken) {
        offline++;
        logger.warn({ agentId }, 'agent taken offline: its gateway stopped renewing its lease');
      }
    } catch (error) {
      logger.error({ err: error, agentId }, 'could not take offline an agent whose gateway died');
    }
  }
  // Rows of dead instances whose agents are connected elsewhere too (or were deleted), then the
  // dead instances.
  await db.sql.query(
    `DELETE FROM agent_presence p
      WHERE NOT ${LIVE}
        AND (EXISTS (SELECT 1 FROM agent_presence p2 JOIN gateway_instance g ON g.id = p2.gateway_instance_id
                      WHERE p2.agent_id = p.agent_id AND g.expires_at > $1)
             OR NOT EXISTS (SELECT 1 FROM agent a WHERE a.id = p.agent_id))`,
    [at],
  );
  await db.sql.query(
    `DELETE FROM gateway_instance g
      WHERE g.expires_at <= $1 AND NOT EXISTS (SELECT 1 FROM agent_presence p WHERE p.gateway_instance_id = g.id)`,
    [at],
  );
  return offline;
}
