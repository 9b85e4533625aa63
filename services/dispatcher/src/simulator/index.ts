// The discrete-event simulator of the dispatcher (docs/staffing.md): it runs the production dispatch
// policy on simulated or replayed traffic, and compares policies on the same draws.

export { type AgentsNeededBySimulationInput, agentsNeededBySimulation } from './agents-needed.ts';
export { AGENT_ACCEPT_MS, handleMeanSeconds, meanAgentMsPerLead, meanAttemptMs } from './call-plan.ts';
export { type ComparisonRow, comparePolicies, formatTable, toCsv } from './compare.ts';
export { POLICIES, POLICY_NAMES, type PolicyName } from './policies.ts';
export { DEFAULT_ROUND_INTERVAL_MS, simulate } from './simulate.ts';
export { loadReplay, type ReplayQuery, type ReplayScenario } from './tenant-replay.ts';
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
