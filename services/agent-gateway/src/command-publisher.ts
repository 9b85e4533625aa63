import { randomUUID } from 'node:crypto';
import type { Bus } from '@pronto/bus';
import { AgentCommandV1 } from '@pronto/contracts';
import { type SignedInUser, sessionTenant } from '@pronto/http';

/** `at` defaults to the moment of publishing; an offline gives the moment its socket ended. */
type CommandFields = Omit<AgentCommandV1['payload'], 'agentId' | 'tenantId' | 'at'> & { at?: string };

export interface CommandPublisher {
  /** Publishes what the agent did, after the agent's earlier commands; resolves once the bus has it. */
  publish(agent: SignedInUser, fields: CommandFields): Promise<void>;
  /** Resolves when every command handed over so far is published (or failed). */
  drain(): Promise<void>;
}

/**
 * Hands agents' commands to the dispatcher on `agent-commands`. One agent's commands are
 * published one after another, never concurrently, so that `online` cannot overtake `offline`
 * nor `disposition` overtake `accept`.
 */
export function createCommandPublisher(bus: Bus, now: () => Date): CommandPublisher {
  const lanes = new Map<string, Promise<void>>();
  return {
    publish(agent, fields) {
      const at = now().toISOString();
      const message: AgentCommandV1 = {
        type: AgentCommandV1.type,
        version: 1,
        id: randomUUID(),
        occurredAt: at,
        key: agent.id,
        payload: { agentId: agent.id, tenantId: sessionTenant(agent), ...fields, at: fields.at ?? at },
      };
      const previous = lanes.get(agent.id) ?? Promise.resolve();
      const published = previous.then(() => bus.publish(AgentCommandV1.topic, [message]));
      const lane = published.catch(() => {});
      lanes.set(agent.id, lane);
      void lane.then(() => {
        if (lanes.get(agent.id) === lane) lanes.delete(agent.id);
      });
      return published;
    },
    async drain() {
      await Promise.all(lanes.values());
    },
  };
}
