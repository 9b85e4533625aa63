import { seededRandom } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from './default-policy.ts';
import { fifoPolicy } from './fifo-policy.ts';
import type {
  Assignment,
  CampaignRules,
  DispatchPolicy,
  FreeAgent,
  PolicyInput,
  QueuedLead,
} from './types.ts';

const NOW = 1_767_225_600_000;
const ALLOWANCE_MS = 15_000;

/** Small ranges on purpose, so that due times, scores, queue times and idle times often tie. */
function randomRound(seed: number): PolicyInput {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const groups = ['g1', 'g2', 'g3', 'g4'];
  const campaigns = new Map<string, CampaignRules>(
    ['c1', 'c2', 'c3'].map((id) => [
      id,
      {
        id,
        agentGroups: groups.filter(() => random() < 0.5),
        overflowThresholdMs: pick([0, 60_000, 120_000]),
      },
    ]),
  );
  const queue: QueuedLead[] = Array.from({ length: Math.floor(random() * 60) }, (_, n) => ({
    id: `lead-${n}`,
    campaignId: pick(['c1', 'c2', 'c3', 'unknown']),
    dueAt: NOW + pick([-1, 1]) * Math.floor(random() * 20) * 15_000,
    score: Math.floor(random() * 5),
    queuedAt: NOW - Math.floor(random() * 4) * 60_000,
  }));
  const agents: FreeAgent[] = Array.from({ length: Math.floor(random() * 16) }, (_, n) => ({
    id: `agent-${n}`,
    groups: groups.filter(() => random() < 0.35),
    availableSince: NOW - Math.floor(random() * 4) * 30_000,
  }));
  return { queue, agents, campaigns, now: NOW };
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (const [index, value] of a.entries()) if (value !== b[index]) return value - (b[index] ?? 0);
  return 0;
}

/** The default order (docs/architecture.md "The dispatch policy"), written as plainly as possible. */
function designOrder(a: QueuedLead, b: QueuedLead): number {
  const key = (lead: QueuedLead) =>
    lead.dueAt - NOW - ALLOWANCE_MS >= 0
      ? [0, lead.dueAt, -lead.score, lead.queuedAt]
      : [1, -lead.score, lead.dueAt, lead.queuedAt];
  return lexicographic(key(a), key(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function arrivalOrder(a: QueuedLead, b: QueuedLead): number {
  return a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Sort the whole queue, then give each lead in turn the longest idle free agent it may use, scanning all agents. */
function plainWalk({ queue, agents, campaigns, now }: PolicyInput, order: typeof designOrder): Assignment[] {
  const taken = new Set<string>();
  const assignments: Assignment[] = [];
  for (const lead of [...queue].sort(order)) {
    const rules = campaigns.get(lead.campaignId);
    const slackMs = lead.dueAt - now;
    const groups =
      slackMs < (rules?.overflowThresholdMs ?? 0) ? rules?.agentGroups : rules?.agentGroups.slice(0, 1);
    for (const [position, group] of (groups ?? []).entries()) {
      const [agent] = agents
        .filter((candidate) => candidate.groups.includes(group) && !taken.has(candidate.id))
        .sort((x, y) => x.availableSince - y.availableSince || (x.id < y.id ? -1 : 1));
      if (agent === undefined) continue;
      taken.add(agent.id);
      assignments.push({ leadId: lead.id, agentId: agent.id, group, overflow: position > 0, slackMs });
      break;
    }
  }
  return assignments;
}

describe('createPolicy', () => {
  const cases: [string, DispatchPolicy, typeof designOrder][] = [
    ['defaultPolicy', defaultPolicy, designOrder],
    ['fifoPolicy', fifoPolicy, arrivalOrder],
  ];
  it.each(cases)(
    '%s gives the same assignments as sorting the queue and walking it lead by lead',
    (_, policy, order) => {
      let assigned = 0;
      for (let seed = 1; seed <= 500; seed += 1) {
        const round = randomRound(seed);
        const expected = plainWalk(round, order);
        expect(policy(round), `seed ${seed}`).toEqual(expected);
        assigned += expected.length;
      }
      expect(assigned).toBeGreaterThan(1_000);
    },
  );
});
