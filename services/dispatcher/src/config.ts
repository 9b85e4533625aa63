import { BusSettings, CommonSettings, HttpSettings, MasterKey } from '@pronto/config';
import Type, { type Static } from 'typebox';

// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export const DispatcherConfig = Type.Object({
  // Beside ingest's 8080 on one host: the dispatcher listens only for the staffing API.
  PORT: Type.Integer({ ...CommonSettings.PORT, default: 8086 }),
  HOST: CommonSettings.HOST,
  ...HttpSettings,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_MASTER_KEY: Type.Optional(
    MasterKey("ingest's key: opens API-key secrets to check signed requests; unset: no staffing API"),
  ),
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  PRONTO_DISPATCH_LEASE_SECONDS: Type.Number({
    minimum: 1,
    maximum: 300,
    default: 10,
    description:
      "how long an instance's lease on its share of the agents lasts unrenewed: a dead instance's agents are taken over within 1.2 times this",
  }),
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
// jscpd:ignore-end
export type DispatcherConfig = Static<typeof DispatcherConfig>;
