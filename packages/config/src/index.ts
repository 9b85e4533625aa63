export { BusSettings, CommonSettings, MasterKey } from './common-settings.ts';
export { httpServerOptions } from './http-server-options.ts';
export { type HttpOptions, HttpSettings, httpOptions } from './http-settings.ts';
export { ConfigError, loadConfig } from './load-config.ts';
export { loadConfigOrExit } from './load-config-or-exit.ts';
export { isLoopbackAddress } from './loopback-address.ts';
export { onShutdown } from './on-shutdown.ts';
export { createOriginPolicy } from './origin-policy.ts';
export { API_HELMET_OPTIONS, PAGE_HELMET_OPTIONS } from './security-headers.ts';
export {
  GaveUpWaiting,
  reasonOf,
  type StartLogger,
  type WaitOptions,
  waitUntilReady,
} from './wait-until-ready.ts';
export { type WaitOrExitOptions, waitUntilReadyOrExit } from './wait-until-ready-or-exit.ts';
