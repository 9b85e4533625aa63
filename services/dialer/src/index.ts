export {
  type AmiAddress,
  type AmiConnection,
  AmiError,
  AmiLoginRefused,
  connectAmi,
  parseAmiUrl,
} from './asterisk/ami-connection.ts';
export {
  type AsteriskDialer,
  type AsteriskDialerDeps,
  type AsteriskDialerSettings,
  startAsteriskDialer,
} from './asterisk/asterisk-dialer.ts';
export { CallTracker, type CallUpdate } from './asterisk/call-tracker.ts';
export type { CallLog, PlacedCall } from './calls/call-log.ts';
export { type DatabaseCallLog, databaseCallLog } from './calls/database-call-log.ts';
export { memoryCallLog } from './calls/memory-call-log.ts';
export { DialerConfig } from './config.ts';
export { asteriskSettingsOf, DialerSettings } from './dialer-settings.ts';
export {
  type CampaignProfileLookupOptions,
  campaignProfileLookup,
} from './simulated/campaign-profile-lookup.ts';
export {
  DEFAULT_DIALER_PROFILE,
  type DialerProfile,
  DialerProfileError,
  type MsRange,
  resolveProfile,
  type SimulatedOutcome,
} from './simulated/dialer-profile.ts';
export {
  type Scheduler,
  type SimulatedDialer,
  type SimulatedDialerDeps,
  startSimulatedDialer,
} from './simulated/simulated-dialer.ts';
export { type RunningDialer, startDialer, startDialerOrExit } from './start-dialer.ts';
export { DIALER_START_FAILURES } from './start-failures.ts';
export { DIALER_GROUP, subscribeDialRequests } from './subscribe-dial-requests.ts';
