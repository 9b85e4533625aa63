import { createPolicy } from './create-policy.ts';
import { DEFAULT_CONNECT_ALLOWANCE_MS } from './default-policy.ts';
import type { LeadOrder } from './lead-order.ts';
import type { DispatchPolicy } from './types.ts';

/** Slack (due - now - allowance) below which a meetable lead is urgent: it goes by value, not by due. */
export const DEFAULT_URGENT_HORIZON_MS = 60_000;

export interface SlackValuePolicyOptions {
  /** Milliseconds from the decision to the contact; default DEFAULT_CONNECT_ALLOWANCE_MS. */
  readonly connectAllowanceMs?: number;
  /** Default DEFAULT_URGENT_HORIZON_MS. */
  readonly urgentHorizonMs?: number;
}

/**
 * Three tiers. Urgent leads (meetable, slack under the horizon) first, most valuable first: when
 * agents are short, the leads about to breach are the ones a choice decides, and the choice should
 * keep the valuable ones. Then the other meetable leads, earliest due first: they can wait, and the
 * earliest due is the next to become urgent. Then leads that can no longer be met, most valuable
 * first, the most overdue among equals: skipped while any lead can still be met, called as soon as
 * none can. Then the older queuedAt. Keys: tier, then (-score, due) for urgent and late leads, or
 * (due, -score) for the others, then queuedAt.
 */
const TIER = { urgent: 0, calm: 1, late: 2 } as const;

function tierOf(slackMs: number, horizonMs: number): number {
  if (slackMs < 0) return TIER.late;
  return slackMs < horizonMs ? TIER.urgent : TIER.calm;
}

function slackAndValue(allowanceMs: number, horizonMs: number): LeadOrder {
  return {
    keyCount: 4,
    writeKeys(lead, now, keys, at) {
      const tier = tierOf(lead.dueAt - now - allowanceMs, horizonMs);
      const byValue = tier !== TIER.calm;
      keys[at] = tier;
      keys[at + 1] = byValue ? -lead.score : lead.dueAt;
      keys[at + 2] = byValue ? lead.dueAt : -lead.score;
      keys[at + 3] = lead.queuedAt;
    },
  };
}

/** Both options are durations: a negative or infinite one is a mistake, named in the error. */
function checkedMs(name: keyof SlackValuePolicyOptions, value: number): number {
  const valid = Number.isFinite(value) && value >= 0;
  if (valid) return value;
  throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
}

/**
 * The slack and value policy: the same agent choice and overflow rule as every policy, the lead
 * order above. Compared with the default by the simulator (docs/staffing.md); not the default.
 */
export function createSlackValuePolicy(options: SlackValuePolicyOptions = {}): DispatchPolicy {
  const allowanceMs = checkedMs(
    'connectAllowanceMs',
    options.connectAllowanceMs ?? DEFAULT_CONNECT_ALLOWANCE_MS,
  );
  const horizonMs = checkedMs('urgentHorizonMs', options.urgentHorizonMs ?? DEFAULT_URGENT_HORIZON_MS);
  return createPolicy(slackAndValue(allowanceMs, horizonMs));
}

export const slackValuePolicy: DispatchPolicy = createSlackValuePolicy();
