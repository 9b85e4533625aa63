import type { CallUpdate } from '../../../services/dialer/src/asterisk/call-tracker.ts';

export type Phase = CallUpdate['phase'];

export interface Scenario {
  name: string;
  /** Share of the calls, out of the sum of all weights. */
  weight: number;
  outcome: NonNullable<CallUpdate['outcome']>;
  cause: string;
  hangupBy: NonNullable<CallUpdate['hangupBy']>;
  phases: Phase[];
}

/**
 * The originate scenarios with what the dialer must make of each (as recorded-scenarios.int.test.ts
 * asserts over the replay server). Weights: a plausible lead-response mix (a quarter reached, a
 * quarter ringing out, a fifth of the agents' phones not answering or rejecting, the rest busy or
 * failing numbers).
 */
export const SCENARIOS: Scenario[] = [
  {
    name: 'originate-contacted',
    weight: 25,
    outcome: 'contacted',
    cause: 'NORMAL CLEARING',
    hangupBy: 'person',
    phases: ['originated', 'ringing', 'answered', 'bridged', 'ended'],
  },
  {
    name: 'originate-agent-hangs-first',
    weight: 10,
    outcome: 'contacted',
    cause: 'NORMAL CLEARING',
    hangupBy: 'agent',
    phases: ['originated', 'ringing', 'answered', 'bridged', 'ended'],
  },
  {
    name: 'originate-customer-no-answer',
    weight: 25,
    outcome: 'no_answer',
    cause: 'NO ANSWER',
    hangupBy: 'network',
    phases: ['originated', 'ringing', 'ended'],
  },
  {
    name: 'originate-customer-busy',
    weight: 10,
    outcome: 'busy',
    cause: 'USER BUSY',
    hangupBy: 'person',
    phases: ['originated', 'ringing', 'ended'],
  },
  {
    name: 'originate-customer-congestion',
    weight: 5,
    outcome: 'failed',
    cause: 'CIRCUIT/CHANNEL CONGESTION',
    hangupBy: 'network',
    phases: ['originated', 'ended'],
  },
  {
    name: 'originate-invalid-number',
    weight: 5,
    outcome: 'invalid_number',
    cause: 'UNALLOCATED (UNASSIGNED) NUMBER',
    hangupBy: 'network',
    phases: ['originated', 'ended'],
  },
  {
    name: 'originate-agent-no-answer',
    weight: 15,
    outcome: 'agent_missed',
    cause: 'USER ALERTING, NO ANSWER',
    hangupBy: 'agent',
    phases: ['ended'],
  },
  {
    name: 'originate-agent-busy',
    weight: 5,
    outcome: 'agent_missed',
    cause: 'USER BUSY',
    hangupBy: 'agent',
    phases: ['ended'],
  },
];
