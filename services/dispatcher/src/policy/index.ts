export { createPolicy } from './create-policy.ts';
export {
  createDefaultPolicy,
  DEFAULT_CONNECT_ALLOWANCE_MS,
  type DefaultPolicyOptions,
  defaultPolicy,
} from './default-policy.ts';
export { fifoPolicy } from './fifo-policy.ts';
export type { LeadOrder } from './lead-order.ts';
export {
  createSlackValuePolicy,
  DEFAULT_URGENT_HORIZON_MS,
  type SlackValuePolicyOptions,
  slackValuePolicy,
} from './slack-value-policy.ts';
export type {
  Assignment,
  CampaignRules,
  DispatchPolicy,
  FreeAgent,
  PolicyInput,
  QueuedLead,
} from './types.ts';
