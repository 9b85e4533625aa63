import { createPolicy } from './create-policy.ts';
import type { LeadOrder } from './lead-order.ts';
import type { DispatchPolicy } from './types.ts';

/** Oldest queuedAt first (the lead id among equals): the order the queue was filled in. */
const arrival: LeadOrder = {
  keyCount: 1,
  writeKeys(lead, _now, keys, at) {
    keys[at] = lead.queuedAt;
  },
};

/**
 * First in, first out, blind to due times and scores, with the same agent choice and overflow rule
 * as the default policy: the baseline a simulator measures the default policy against.
 */
export const fifoPolicy: DispatchPolicy = createPolicy(arrival);
