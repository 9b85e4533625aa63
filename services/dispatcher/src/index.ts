export { agentSnapshot } from './agent-snapshot.ts';
export { DispatcherConfig } from './config.ts';
export { checkGates, type Gate, type GateBlock } from './gates.ts';
export * from './policy/index.ts';
export { DEFAULT_RETRY_POLICY, nextRetry, type RetryPolicy, resolveRetryPolicy } from './retry-policy.ts';
export { DEFAULT_SETTINGS, type DispatcherSettings } from './settings.ts';
export { agentShard, SHARD_COUNT } from './shard-leases.ts';
export {
  type StaffingAnswer,
  type StaffingRouteDeps,
  StaffingSchema,
  staffingRoutes,
  staffingSignedRoutes,
} from './staffing/index.ts';
export {
  DISPATCHER_GROUP,
  DISPATCHER_TOPICS,
  type Dispatcher,
  type DispatcherDeps,
  startDispatcher,
} from './start-dispatcher.ts';
