export { DialerConfig } from './config.ts';
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
  DIALER_GROUP,
  type Scheduler,
  type SimulatedDialer,
  type SimulatedDialerDeps,
  startSimulatedDialer,
} from './simulated/simulated-dialer.ts';
