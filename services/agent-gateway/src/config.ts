import { BusSettings, CommonSettings, HttpSettings } from '@pronto/config';
import Type, { type Static } from 'typebox';

// jscpd:ignore-start -- declared boilerplate, see docs/architecture.md
export const AgentGatewayConfig = Type.Object({
  PORT: Type.Integer({ ...CommonSettings.PORT, default: 8081 }),
  HOST: CommonSettings.HOST,
  ...HttpSettings,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  PRONTO_GATEWAY_LEASE_SECONDS: Type.Integer({
    // Renewed every third of it, checked each second: a shorter lease leaves no margin for a slow write.
    minimum: 4,
    maximum: 300,
    default: 10,
    description:
      "How long this instance's agents count as connected after it last renewed its presence (every third of it): a killed instance's agents go offline within it plus 3 s (the dispatcher's presence sweep)",
  }),
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
// jscpd:ignore-end
export type AgentGatewayConfig = Static<typeof AgentGatewayConfig>;
