import { CommonSettings, HttpSettings, MasterKey } from '@pronto/config';
import Type, { type Static } from 'typebox';

/**
 * The console on its own: an HTTP service over the database, no bus. The master key seals the API
 * keys and operator keys the admin API creates, and opens the operator keys that sign its calls.
 */
// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export const ConsoleConfig = Type.Object({
  PORT: Type.Integer({ ...CommonSettings.PORT, default: 8083 }),
  HOST: CommonSettings.HOST,
  ...HttpSettings,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  PRONTO_MASTER_KEY: MasterKey('seals the API keys and operator keys of the admin API'),
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
// jscpd:ignore-end
export type ConsoleConfig = Static<typeof ConsoleConfig>;
