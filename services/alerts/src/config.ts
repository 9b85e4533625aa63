import { CommonSettings, HttpSettings, MasterKey } from '@pronto/config';
import Type, { type Static } from 'typebox';

/** The alerts service takes nothing from the bus: its sweeps read the report's rows in the database. */
// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export const AlertsConfig = Type.Object({
  PORT: CommonSettings.PORT,
  HOST: CommonSettings.HOST,
  ...HttpSettings,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_MASTER_KEY: MasterKey(
    "ingest's key: opens API-key secrets to sign breach alerts and to check the signed settings requests",
  ),
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
// jscpd:ignore-end
export type AlertsConfig = Static<typeof AlertsConfig>;
