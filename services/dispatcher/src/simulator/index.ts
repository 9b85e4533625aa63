// The discrete-event simulator of the dispatcher (docs/staffing.md): it runs the production dispatch
// policy on simulated or replayed traffic, and compares policies on the same draws.
import { type DispatchPolicy, defaultPolicy, fifoPolicy, slackValuePolicy } from '../policy/index.ts';

export { type AgentsNeededBySimulationInput, agentsNeededBySimulation } from './agents-needed.ts';
export { AGENT_ACCEPT_MS, handleMeanSeconds, meanAgentMsPerLead, meanAttemptMs } from './call-plan.ts';
export { simulate } from './simulate.ts';
export type {
  Arrivals,
  HandleTime,
  SimAgent,
  SimBreachReason,
  SimCampaign,
  SimFigures,
  SimulationInput,
  SimulationResult,
} from './types.ts';
export { upperBound } from './upper-bound.ts';

export type PolicyName = 'fifo' | 'edf' | 'slack';

/** The policies a simulation compares: first in first out, today's default (earliest due), slack and value. */
export const POLICIES: Record<PolicyName, DispatchPolicy> = {
  fifo: fifoPolicy,
  edf: defaultPolicy,
  slack: slackValuePolicy,
};
