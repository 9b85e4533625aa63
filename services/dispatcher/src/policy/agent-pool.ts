import { compareIds } from './compare-ids.ts';
import type { FreeAgent } from './types.ts';

/**
 * The free agents of one decision round, per group, longest idle first. An agent can belong to
 * several groups but holds at most one lead, so taking it through one group removes it from all.
 */
export interface AgentPool {
  /** Agents not taken yet that belong to at least one group: 0 means the round is over. */
  readonly remaining: number;
  /** Whether the group still has a free agent. */
  hasFree(group: string): boolean;
  /**
   * Like `take`, but passes over the agents in `skip` (they stay free for other leads). Rare: only
   * a lead some agent just declined has a `skip` list.
   */
  takeExcept(group: string, skip: readonly string[]): FreeAgent | undefined;
  /** Takes the group's longest idle free agent (smallest availableSince, then id), if any. */
  take(group: string): FreeAgent | undefined;
}

/** One group's agents, longest idle first, with a cursor past the agents already taken. */
interface GroupQueue {
  readonly agents: readonly FreeAgent[];
  next: number;
}

/** Longest idle first; the id makes the order total, so the same agents always give the same pick. */
function byLongestIdle(a: FreeAgent, b: FreeAgent): number {
  return a.availableSince - b.availableSince || compareIds(a.id, b.id);
}

function groupQueues(agents: readonly FreeAgent[]): Map<string, GroupQueue> {
  const members = new Map<string, FreeAgent[]>();
  for (const agent of agents)
    for (const group of agent.groups) {
      const list = members.get(group);
      if (list === undefined) members.set(group, [agent]);
      else list.push(agent);
    }
  const queues = new Map<string, GroupQueue>();
  for (const [group, list] of members) queues.set(group, { agents: list.sort(byLongestIdle), next: 0 });
  return queues;
}

/**
 * Sorting each group once and moving a cursor keeps a round at O(agents log agents) whatever the
 * number of leads: each cursor passes each agent at most once.
 */
export function createAgentPool(agents: readonly FreeAgent[]): AgentPool {
  const queues = groupQueues(agents);
  const taken = new Set<string>();
  let remaining = new Set(agents.filter((agent) => agent.groups.length > 0).map((agent) => agent.id)).size;

  /** The queue's first agent not taken yet; moves the cursor past taken ones for good. */
  function peek(queue: GroupQueue | undefined): FreeAgent | undefined {
    if (queue === undefined) return undefined;
    let agent = queue.agents[queue.next];
    while (agent !== undefined && taken.has(agent.id)) {
      queue.next += 1;
      agent = queue.agents[queue.next];
    }
    return agent;
  }

  return {
    get remaining() {
      return remaining;
    },
    hasFree: (group) => peek(queues.get(group)) !== undefined,
    takeExcept(group, skip) {
      const queue = queues.get(group);
      if (peek(queue) === undefined || queue === undefined) return undefined;
      for (let index = queue.next; index < queue.agents.length; index += 1) {
        const agent = queue.agents[index] as FreeAgent;
        if (taken.has(agent.id) || skip.includes(agent.id)) continue;
        taken.add(agent.id);
        remaining -= 1;
        return agent;
      }
      return undefined;
    },
    take(group) {
      const agent = peek(queues.get(group));
      if (agent === undefined) return undefined;
      taken.add(agent.id);
      remaining -= 1;
      return agent;
    },
  };
}
