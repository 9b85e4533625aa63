import { BusSettings, CommonSettings } from '@pronto/config';
import Type, { type Static } from 'typebox';

export const DialerConfig = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  ...BusSettings,
  // One value for now: DIALER=asterisk is refused by name until the Asterisk AMI dialer exists.
  DIALER: Type.Enum(['simulated'], {
    default: 'simulated',
    description:
      'simulated (calls played out with realistic answer rates and ring times) is the only dialer for now; DIALER=asterisk (Asterisk AMI) is not available yet',
  }),
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
export type DialerConfig = Static<typeof DialerConfig>;
