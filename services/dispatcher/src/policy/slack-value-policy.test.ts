import { describe, expect, it } from 'vitest';
import { createSlackValuePolicy, slackValuePolicy } from './slack-value-policy.ts';
import type { Assignment, CampaignRules, FreeAgent, QueuedLead } from './types.ts';

const NOW = 1_767_225_600_000;
const SECOND = 1_000;
const SALES: CampaignRules = {
  id: 'sales',
  agentGroups: ['sales-team', 'backup'],
  overflowThresholdMs: 120 * SECOND,
};

/** A lead due `dueInS` seconds from now (the default allowance is 15 s, the urgent horizon 60 s). */
function lead(id: string, dueInS: number, score: number): QueuedLead {
  return { id, campaignId: 'sales', dueAt: NOW + dueInS * SECOND, score, queuedAt: NOW - 60 * SECOND };
}

function agents(count: number): FreeAgent[] {
  return Array.from({ length: count }, (_, n) => ({
    id: `agent-${n}`,
    groups: ['sales-team'],
    availableSince: NOW - (100 - n) * SECOND,
  }));
}

function order(queue: readonly QueuedLead[], free = queue.length, policy = slackValuePolicy): string[] {
  const campaigns = new Map([[SALES.id, SALES]]);
  return policy({ queue, agents: agents(free), campaigns, now: NOW }).map(
    (assignment: Assignment) => assignment.leadId,
  );
}

describe('slackValuePolicy', () => {
  it('among leads about to breach, calls the most valuable first', () => {
    expect(order([lead('soon-cheap', 30, 20), lead('later-valuable', 60, 90)], 1)).toEqual([
      'later-valuable',
    ]);
  });

  it('calls urgent leads before calm ones, and calm ones earliest due first', () => {
    const queue = [lead('calm-late', 280, 99), lead('calm-early', 200, 10), lead('urgent', 40, 10)];
    expect(order(queue)).toEqual(['urgent', 'calm-early', 'calm-late']);
  });

  it('skips leads that can no longer be met while one still can, and comes back to them by value', () => {
    const queue = [lead('breached-cheap', -100, 20), lead('too-late-valuable', 10, 95), lead('calm', 250, 5)];
    expect(order(queue, 1)).toEqual(['calm']);
    expect(order(queue)).toEqual(['calm', 'too-late-valuable', 'breached-cheap']);
  });

  it('takes its horizon and allowance as options and refuses nonsense', () => {
    const byDue = createSlackValuePolicy({ urgentHorizonMs: 0 });
    expect(order([lead('soon-cheap', 30, 20), lead('later-valuable', 60, 90)], 1, byDue)).toEqual([
      'soon-cheap',
    ]);
    expect(() => createSlackValuePolicy({ connectAllowanceMs: -1 })).toThrow(/connectAllowanceMs/);
  });
});
