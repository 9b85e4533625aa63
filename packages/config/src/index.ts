export { BusSettings, CommonSettings, MasterKey } from './common-settings.ts';
export { type HttpOptions, HttpSettings, httpOptions } from './http-settings.ts';
export { ConfigError, loadConfig } from './load-config.ts';
export { loadConfigOrExit } from './load-config-or-exit.ts';
export { onShutdown } from './on-shutdown.ts';
export { createOriginPolicy } from './origin-policy.ts';
export {
  GaveUpWaiting,
  reasonOf,
  type StartLogger,
  type WaitOptions,
  waitUntilReady,
} from './wait-until-ready.ts';
export { type WaitOrExitOptions, waitUntilReadyOrExit } from './wait-until-ready-or-exit.ts';
