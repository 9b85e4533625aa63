import { describe, expect, it } from 'vitest';
import { createDefaultPolicy, defaultPolicy } from './default-policy.ts';
import type { Assignment, CampaignRules, DispatchPolicy, FreeAgent, QueuedLead } from './types.ts';

const NOW = 1_767_225_600_000;
const SECOND = 1_000;

const SALES: CampaignRules = {
  id: 'sales',
  agentGroups: ['sales-team', 'backup'],
  overflowThresholdMs: 120 * SECOND,
};
const SUPPORT: CampaignRules = {
  id: 'support',
  agentGroups: ['support-team'],
  overflowThresholdMs: 120 * SECOND,
};

/** A sales lead due in 200 s (comfortably meetable, above the overflow threshold), score 50. */
function lead(id: string, fields: Partial<QueuedLead> = {}): QueuedLead {
  return {
    id,
    campaignId: 'sales',
    dueAt: NOW + 200 * SECOND,
    score: 50,
    queuedAt: NOW - 100 * SECOND,
    ...fields,
  };
}

function agent(id: string, groups: readonly string[] = ['sales-team'], idleForMs = 60 * SECOND): FreeAgent {
  return { id, groups, availableSince: NOW - idleForMs };
}

function dispatch(
  queue: readonly QueuedLead[],
  agents: readonly FreeAgent[],
  {
    campaigns = [SALES, SUPPORT],
    policy = defaultPolicy,
  }: { campaigns?: CampaignRules[]; policy?: DispatchPolicy } = {},
): Assignment[] {
  return policy({ queue, agents, campaigns: new Map(campaigns.map((rules) => [rules.id, rules])), now: NOW });
}

/** Agents idle for 100 s, 90 s, ...: the longest idle takes the best lead, so pairs show the order. */
function agentsByIdleness(count: number): FreeAgent[] {
  return Array.from({ length: count }, (_, n) =>
    agent(`agent-${n}`, ['sales-team'], (100 - 10 * n) * SECOND),
  );
}

const leadIds = (assignments: readonly Assignment[]) => assignments.map((assignment) => assignment.leadId);

describe('defaultPolicy: which lead is called first', () => {
  it('calls the meetable lead due first', () => {
    const queue = [
      lead('late-due', { dueAt: NOW + 280 * SECOND }),
      lead('first-due', { dueAt: NOW + 60 * SECOND }),
      lead('middle-due', { dueAt: NOW + 150 * SECOND }),
    ];
    expect(leadIds(dispatch(queue, [agent('a')]))).toEqual(['first-due']);
    expect(leadIds(dispatch(queue, agentsByIdleness(3)))).toEqual(['first-due', 'middle-due', 'late-due']);
  });

  it('breaks a tie on due time with the higher score', () => {
    const queue = [lead('low', { score: 40 }), lead('high', { score: 90 }), lead('mid', { score: 60 })];
    expect(leadIds(dispatch(queue, agentsByIdleness(3)))).toEqual(['high', 'mid', 'low']);
  });

  it('breaks a tie on due time and score with the older queuedAt, then the id', () => {
    const queue = [
      lead('b-newer', { queuedAt: NOW - 10 * SECOND }),
      lead('c-older', { queuedAt: NOW - 90 * SECOND }),
      lead('a-newer', { queuedAt: NOW - 10 * SECOND }),
    ];
    expect(leadIds(dispatch(queue, agentsByIdleness(3)))).toEqual(['c-older', 'a-newer', 'b-newer']);
  });

  it('puts a lead with less slack than the connect allowance after the meetable ones, though it is due first', () => {
    const queue = [
      lead('meetable', { dueAt: NOW + 250 * SECOND }),
      lead('too-close', { dueAt: NOW + 10 * SECOND }),
    ];
    expect(leadIds(dispatch(queue, [agent('a')]))).toEqual(['meetable']);
    const quickDialer = createDefaultPolicy({ connectAllowanceMs: 5 * SECOND });
    expect(leadIds(dispatch(queue, [agent('a')], { policy: quickDialer }))).toEqual(['too-close']);
  });

  it('calls breached leads after the meetable ones, the higher score first, then the most overdue', () => {
    const queue = [
      lead('breached-low', { dueAt: NOW - 30 * SECOND, score: 20 }),
      lead('breached-high', { dueAt: NOW - 60 * SECOND, score: 90 }),
      lead('meetable-low-score', { dueAt: NOW + 250 * SECOND, score: 5 }),
      lead('breached-low-older', { dueAt: NOW - 300 * SECOND, score: 20 }),
    ];
    const assignments = dispatch(queue, agentsByIdleness(4));
    expect(leadIds(assignments)).toEqual([
      'meetable-low-score',
      'breached-high',
      'breached-low-older',
      'breached-low',
    ]);
    expect(assignments[1]?.slackMs).toBe(-60 * SECOND);
  });
});

describe('defaultPolicy: which agent takes it', () => {
  it('gives the lead to the longest idle agent, the smaller id among equally idle ones', () => {
    const agents = [
      agent('recent', ['sales-team'], 30 * SECOND),
      agent('b-longest', ['sales-team'], 300 * SECOND),
      agent('a-longest', ['sales-team'], 300 * SECOND),
    ];
    expect(dispatch([lead('l')], agents)).toEqual([
      { leadId: 'l', agentId: 'a-longest', group: 'sales-team', overflow: false, slackMs: 200 * SECOND },
    ]);
  });

  it('overflows to a backup agent when no primary agent is free and the slack is below the threshold', () => {
    const urgent = lead('urgent', { dueAt: NOW + 60 * SECOND });
    expect(dispatch([urgent], [agent('helper', ['backup'])])).toEqual([
      { leadId: 'urgent', agentId: 'helper', group: 'backup', overflow: true, slackMs: 60 * SECOND },
    ]);
  });

  it('overflows a breached lead too: its slack is below any threshold', () => {
    const breached = lead('breached', { dueAt: NOW - 5 * SECOND });
    expect(dispatch([breached], [agent('helper', ['backup'])])).toMatchObject([
      { agentId: 'helper', overflow: true },
    ]);
  });

  it('keeps a lead queued while its slack is above the threshold, though a backup agent is free', () => {
    expect(dispatch([lead('calm', { dueAt: NOW + 200 * SECOND })], [agent('helper', ['backup'])])).toEqual(
      [],
    );
  });

  it('uses the primary agent when one is free, even if a backup agent has been idle longer', () => {
    const agents = [agent('helper', ['backup'], 600 * SECOND), agent('own', ['sales-team'], 10 * SECOND)];
    expect(dispatch([lead('urgent', { dueAt: NOW + 60 * SECOND })], agents)).toMatchObject([
      { agentId: 'own', group: 'sales-team', overflow: false },
    ]);
  });

  it('overflows the leads the primary agents cannot take in the same round', () => {
    const queue = [lead('first', { dueAt: NOW + 50 * SECOND }), lead('second', { dueAt: NOW + 70 * SECOND })];
    const agents = [agent('own', ['sales-team']), agent('helper', ['backup'])];
    expect(dispatch(queue, agents)).toMatchObject([
      { leadId: 'first', agentId: 'own', overflow: false },
      { leadId: 'second', agentId: 'helper', overflow: true },
    ]);
  });

  it('does not give a lead back to the agent who just turned it down; that agent takes the next lead', () => {
    const assignments = dispatch(
      [lead('declined', { dueAt: NOW + 150 * SECOND, declinedBy: ['ann'] }), lead('next')],
      [agent('ann')],
    );
    expect(assignments.map((a) => [a.leadId, a.agentId])).toEqual([['next', 'ann']]);
    const withBob = dispatch(
      [lead('declined', { declinedBy: ['ann'] }), lead('next')],
      [agent('ann', ['sales-team'], 90 * SECOND), agent('bob')],
    );
    // Ann has been idle longer, but she declined the first lead: Bob takes it, Ann the next one.
    expect(withBob.map((a) => [a.leadId, a.agentId])).toEqual([
      ['declined', 'bob'],
      ['next', 'ann'],
    ]);
  });

  it('gives a lead an agent just missed to another free agent first, and back to that agent only when nobody else is free', () => {
    const alone = dispatch([lead('missed', { missedBy: ['ann'] })], [agent('ann')]);
    expect(alone.map((a) => [a.leadId, a.agentId])).toEqual([['missed', 'ann']]);
    const withBob = dispatch(
      [lead('missed', { missedBy: ['ann'] }), lead('next')],
      [agent('ann', ['sales-team'], 90 * SECOND), agent('bob')],
    );
    expect(withBob.map((a) => [a.leadId, a.agentId])).toEqual([
      ['missed', 'bob'],
      ['next', 'ann'],
    ]);
  });

  it('assigns an agent who is in two groups once', () => {
    const both = agent('both', ['sales-team', 'support-team']);
    const queue = [lead('sales-lead'), lead('support-lead', { campaignId: 'support' })];
    expect(dispatch(queue, [both])).toHaveLength(1);
    const primaryAndBackup = agent('both', ['sales-team', 'backup']);
    const urgent = [lead('u1', { dueAt: NOW + 40 * SECOND }), lead('u2', { dueAt: NOW + 50 * SECOND })];
    expect(dispatch(urgent, [primaryAndBackup])).toMatchObject([
      { leadId: 'u1', agentId: 'both', overflow: false },
    ]);
  });
});

describe('defaultPolicy: rounds', () => {
  it('does not let the leads of a campaign without free agents block another campaign', () => {
    const queue = [
      ...Array.from({ length: 5 }, (_, n) => lead(`sales-${n}`, { dueAt: NOW + (30 + n) * SECOND })),
      lead('unknown-campaign', { campaignId: 'gone', dueAt: NOW + 20 * SECOND }),
      lead('no-groups', { campaignId: 'empty', dueAt: NOW + 20 * SECOND }),
      lead('support-lead', { campaignId: 'support', dueAt: NOW + 280 * SECOND }),
    ];
    const empty: CampaignRules = { id: 'empty', agentGroups: [], overflowThresholdMs: 120 * SECOND };
    const assignments = dispatch(queue, [agent('support-agent', ['support-team'])], {
      campaigns: [SALES, SUPPORT, empty],
    });
    expect(assignments).toMatchObject([{ leadId: 'support-lead', agentId: 'support-agent' }]);
  });

  it('with more agents than leads, assigns every lead once, to the longest idle agents', () => {
    const assignments = dispatch([lead('l1'), lead('l2'), lead('l3')], agentsByIdleness(5));
    expect(leadIds(assignments).sort()).toEqual(['l1', 'l2', 'l3']);
    expect(assignments.map((assignment) => assignment.agentId).sort()).toEqual([
      'agent-0',
      'agent-1',
      'agent-2',
    ]);
  });

  it('with more leads than agents, assigns the best leads and leaves the rest queued', () => {
    const queue = Array.from({ length: 5 }, (_, n) =>
      lead(`l${n}`, { dueAt: NOW + (250 - 10 * n) * SECOND }),
    );
    const assignments = dispatch(queue, agentsByIdleness(2));
    expect(leadIds(assignments)).toEqual(['l4', 'l3']);
    expect(new Set(assignments.map((assignment) => assignment.agentId)).size).toBe(2);
  });

  it('assigns a lead or an agent listed twice only once', () => {
    const queue = [lead('twice'), lead('twice'), lead('other')];
    const assignments = dispatch(queue, [agent('a'), agent('a'), agent('b'), agent('c')]);
    expect(assignments.map((assignment) => [assignment.leadId, assignment.agentId])).toEqual([
      ['other', 'a'],
      ['twice', 'b'],
    ]);
  });

  it('returns no assignment without free agents or without leads', () => {
    expect(dispatch([lead('l')], [])).toEqual([]);
    expect(dispatch([], [agent('a')])).toEqual([]);
  });

  it('does not change its input', () => {
    const queue = [
      lead('b', { dueAt: NOW - 10 * SECOND }),
      lead('a', { dueAt: NOW + 60 * SECOND }),
      lead('c'),
    ];
    const agents = [agent('x', ['backup']), agent('y', ['sales-team', 'backup'], 5 * SECOND)];
    const input = { queue, agents, campaigns: new Map([[SALES.id, SALES]]), now: NOW };
    const before = structuredClone(input);
    // Frozen arrays and objects make any write (an in-place sort, a changed field) throw.
    for (const frozen of [queue, agents, ...queue, ...agents, ...agents.map((entry) => entry.groups)])
      Object.freeze(frozen);
    expect(defaultPolicy(input)).toHaveLength(2);
    expect(input).toEqual(before);
  });

  it('gives the same assignments for the same input, whatever the order of queue and agents', () => {
    const queue = [
      lead('a', { dueAt: NOW + 60 * SECOND, score: 70 }),
      lead('b', { dueAt: NOW + 60 * SECOND, score: 70 }),
      lead('c', { dueAt: NOW - 60 * SECOND, score: 70 }),
      lead('d', { campaignId: 'support', dueAt: NOW + 90 * SECOND }),
    ];
    const agents = [
      agent('x', ['sales-team'], 50 * SECOND),
      agent('y', ['sales-team', 'support-team'], 50 * SECOND),
      agent('z', ['backup'], 50 * SECOND),
    ];
    const first = dispatch(queue, agents);
    expect(dispatch(queue, agents)).toEqual(first);
    expect(dispatch([...queue].reverse(), [...agents].reverse())).toEqual(first);
  });

  it('refuses a negative or non-finite connect allowance', () => {
    expect(() => createDefaultPolicy({ connectAllowanceMs: -1 })).toThrow(RangeError);
    expect(() => createDefaultPolicy({ connectAllowanceMs: Number.NaN })).toThrow(RangeError);
  });
});
