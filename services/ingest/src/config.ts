import { BusSettings, CommonSettings, HttpSettings, MasterKey } from '@pronto/config';
import Type, { type Static } from 'typebox';

/** How intake writes; the embedded runtime reads the same variables. */
export const IntakeSettings = {
  PRONTO_WRITER_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 2,
    description:
      'intake transactions in flight at once (PostgreSQL); events arriving meanwhile share the next one',
  }),
};

export const IngestConfig = Type.Object({
  PORT: CommonSettings.PORT,
  HOST: CommonSettings.HOST,
  ...HttpSettings,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  PRONTO_MASTER_KEY: MasterKey('encrypts API-key secrets at rest'),
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  ...IntakeSettings,
  ...BusSettings,
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
export type IngestConfig = Static<typeof IngestConfig>;
