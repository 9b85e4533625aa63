import { type DispatchPolicy, defaultPolicy, fifoPolicy, slackValuePolicy } from '../policy/index.ts';

export type PolicyName = 'fifo' | 'edf' | 'slack';

/** The policies a simulation compares: first in first out, today's default (earliest due), slack and value. */
export const POLICIES: Record<PolicyName, DispatchPolicy> = {
  fifo: fifoPolicy,
  edf: defaultPolicy,
  slack: slackValuePolicy,
};

export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];
