export { BusSettings, CommonSettings, MasterKey } from './common-settings.ts';
export { ConfigError, loadConfig } from './load-config.ts';
export { loadConfigOrExit } from './load-config-or-exit.ts';
export { onShutdown } from './on-shutdown.ts';
