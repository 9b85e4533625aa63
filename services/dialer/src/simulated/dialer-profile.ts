// The profile's fields and defaults live in @pronto/contracts: the admin API validates a campaign's
// dialer_profile with the same rules the dialer reads it by.
export {
  DEFAULT_DIALER_PROFILE,
  type DialerProfile,
  DialerProfileError,
  type MsRange,
  resolveProfile,
  SIMULATED_OUTCOMES,
  type SimulatedOutcome,
} from '@pronto/contracts';
