import { BusSettings, CommonSettings } from '@pronto/config';
import Type, { type Static } from 'typebox';
import { DialerSettings } from './dialer-settings.ts';

export const DialerConfig = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  ...DialerSettings,
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
export type DialerConfig = Static<typeof DialerConfig>;
