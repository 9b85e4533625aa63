import { BusSettings, CommonSettings, HttpSettings, MasterKey } from '@pronto/config';
import Type, { type Static } from 'typebox';

// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export const SurveysConfig = Type.Object({
  PORT: CommonSettings.PORT,
  HOST: CommonSettings.HOST,
  ...HttpSettings,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_MASTER_KEY: Type.Optional(
    MasterKey(
      "ingest's key: opens API-key secrets to check the signed NPS replies; unset: the questions are asked, no HTTP API",
    ),
  ),
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
// jscpd:ignore-end
export type SurveysConfig = Static<typeof SurveysConfig>;
