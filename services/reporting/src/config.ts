import { BusSettings, CommonSettings } from '@pronto/config';
import Type, { type Static } from 'typebox';

export const ReportingConfig = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
export type ReportingConfig = Static<typeof ReportingConfig>;
