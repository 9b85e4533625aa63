import { BusSettings, CommonSettings } from '@pronto/config';
import Type, { type Static } from 'typebox';
import { DialerSettings } from './dialer-settings.ts';

// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export const DialerConfig = Type.Object({
  // Only GET /healthz, for container probes; a port of its own beside the HTTP services on one host.
  PORT: Type.Integer({
    ...CommonSettings.PORT,
    default: 8088,
    description: 'port of GET /healthz (0 picks a free one)',
  }),
  HOST: CommonSettings.HOST,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  ...DialerSettings,
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
// jscpd:ignore-end
export type DialerConfig = Static<typeof DialerConfig>;
