import { createPolicy } from './create-policy.ts';
import type { LeadOrder } from './lead-order.ts';
import type { DispatchPolicy } from './types.ts';

/**
 * The time between picking a lead and the person being on the line: ringing the agent, then dialing
 * and reaching the person. A lead due sooner than this can no longer be met, whatever happens next.
 */
export const DEFAULT_CONNECT_ALLOWANCE_MS = 15_000;

export interface DefaultPolicyOptions {
  /** Milliseconds from the decision to the contact; default DEFAULT_CONNECT_ALLOWANCE_MS. */
  readonly connectAllowanceMs?: number;
}

/**
 * Meetable leads earliest due first, so that as many as possible are met; among them the higher
 * score breaks ties. A lead that can no longer be met gains nothing from going early, so those come
 * after, most valuable first, and the most overdue first among equals. Then the older queuedAt.
 * Keys: late (0 while the SLA can be met, so every meetable lead comes first), then (due, -score)
 * when meetable or (-score, due) when not, then queuedAt.
 */
function slackAndScore(allowanceMs: number): LeadOrder {
  return {
    keyCount: 4,
    writeKeys(lead, now, keys, at) {
      const meetable = lead.dueAt - now - allowanceMs >= 0;
      keys[at] = meetable ? 0 : 1;
      keys[at + 1] = meetable ? lead.dueAt : -lead.score;
      keys[at + 2] = meetable ? -lead.score : lead.dueAt;
      keys[at + 3] = lead.queuedAt;
    },
  };
}

/**
 * The default policy (docs/architecture.md "The dispatch policy"): meetable leads by due then score,
 * then the rest by score.
 */
export function createDefaultPolicy(options: DefaultPolicyOptions = {}): DispatchPolicy {
  const allowanceMs = options.connectAllowanceMs ?? DEFAULT_CONNECT_ALLOWANCE_MS;
  if (!Number.isFinite(allowanceMs) || allowanceMs < 0)
    throw new RangeError(`connectAllowanceMs must be a finite number >= 0, got ${allowanceMs}`);
  return createPolicy(slackAndScore(allowanceMs));
}

export const defaultPolicy: DispatchPolicy = createDefaultPolicy();
