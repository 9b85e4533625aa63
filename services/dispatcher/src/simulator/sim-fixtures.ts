import { DEFAULT_DIALER_PROFILE, DEFAULT_RETRY_POLICY } from '@pronto/contracts';
import type { Assignment, DispatchPolicy, PolicyInput } from '../policy/index.ts';
import type { SimAgent, SimCampaign } from './types.ts';

/** Monday 7 December 2026, 00:00 UTC: runs of the tests and the command line start on a weekday. */
export const MONDAY = Date.UTC(2026, 11, 7);
export const HOUR = 3_600_000;

/** A campaign calling at any time, with the default dialer profile and retry policy. */
export function campaignFixture(fields: Partial<SimCampaign> = {}): SimCampaign {
  return {
    id: 'cash-loan',
    slaSeconds: 300,
    slaClock: 'calendar',
    timeZone: 'Europe/Warsaw',
    callingWindows: [],
    holidays: [],
    overflowThresholdSeconds: 120,
    agentGroups: ['sales'],
    retryPolicy: DEFAULT_RETRY_POLICY,
    dialerProfile: DEFAULT_DIALER_PROFILE,
    ...fields,
  };
}

/** `count` agents of one group, signed in over [from, to). */
export function team(count: number, from: number, to: number, group = 'sales'): SimAgent[] {
  return Array.from({ length: count }, (_, n) => ({
    id: `agent-${n}`,
    groups: [group],
    shifts: [{ from, to }],
  }));
}

/** A policy that records every round it is asked and answers as `policy` does. */
export function spyOn(
  policy: DispatchPolicy,
): DispatchPolicy & { rounds: PolicyInput[]; assignments: Assignment[] } {
  const rounds: PolicyInput[] = [];
  const assignments: Assignment[] = [];
  const spy = (input: PolicyInput) => {
    rounds.push({ ...input, queue: [...input.queue], agents: [...input.agents] });
    const answer = policy(input);
    assignments.push(...answer);
    return answer;
  };
  return Object.assign(spy, { rounds, assignments });
}
