import { BusSettings, CommonSettings } from '@pronto/config';
import Type, { type Static } from 'typebox';

export const ScoringConfig = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_REDRIVE_AFTER_SECONDS: CommonSettings.PRONTO_REDRIVE_AFTER_SECONDS,
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
export type ScoringConfig = Static<typeof ScoringConfig>;
