import { describe, expect, it } from 'vitest';
import { fifoPolicy } from './fifo-policy.ts';
import type { Assignment, CampaignRules, FreeAgent, QueuedLead } from './types.ts';

const NOW = 1_767_225_600_000;
const SECOND = 1_000;
const SALES: CampaignRules = {
  id: 'sales',
  agentGroups: ['sales-team', 'backup'],
  overflowThresholdMs: 120 * SECOND,
};

function lead(id: string, queuedAgoS: number, fields: Partial<QueuedLead> = {}): QueuedLead {
  return {
    id,
    campaignId: 'sales',
    dueAt: NOW + 200 * SECOND,
    score: 50,
    queuedAt: NOW - queuedAgoS * SECOND,
    ...fields,
  };
}

function agent(id: string, groups: readonly string[], idleForS: number): FreeAgent {
  return { id, groups, availableSince: NOW - idleForS * SECOND };
}

function dispatch(queue: readonly QueuedLead[], agents: readonly FreeAgent[]): Assignment[] {
  return fifoPolicy({ queue, agents, campaigns: new Map([[SALES.id, SALES]]), now: NOW });
}

describe('fifoPolicy', () => {
  it('calls the oldest queued lead first, whatever the due times and scores', () => {
    const queue = [
      lead('urgent-valuable', 10, { dueAt: NOW + 30 * SECOND, score: 99 }),
      lead('oldest', 300, { score: 1 }),
      lead('b-middle', 100),
      lead('a-middle', 100),
    ];
    const agents = [1, 2, 3, 4].map((n) => agent(`agent-${n}`, ['sales-team'], 100 - n));
    expect(dispatch(queue, agents).map((assignment) => [assignment.leadId, assignment.agentId])).toEqual([
      ['oldest', 'agent-1'],
      ['a-middle', 'agent-2'],
      ['b-middle', 'agent-3'],
      ['urgent-valuable', 'agent-4'],
    ]);
  });

  it('follows the same overflow rule as the default policy', () => {
    const helper = agent('helper', ['backup'], 60);
    expect(dispatch([lead('calm', 300)], [helper])).toEqual([]);
    expect(dispatch([lead('calm', 300), lead('urgent', 10, { dueAt: NOW + 60 * SECOND })], [helper])).toEqual(
      [{ leadId: 'urgent', agentId: 'helper', group: 'backup', overflow: true, slackMs: 60 * SECOND }],
    );
  });
});
