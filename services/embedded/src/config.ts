import { BusSettings, CommonSettings, HttpSettings, MasterKey } from '@pronto/config';
import { DialerSettings } from '@pronto/dialer';
import { IntakeSettings } from '@pronto/ingest';
import Type, { type Static } from 'typebox';

export const EmbeddedConfig = Type.Object({
  PORT: CommonSettings.PORT,
  HOST: CommonSettings.HOST,
  ...HttpSettings,
  PRONTO_DATA_DIR: Type.String({
    default: '.pronto',
    description: 'folder for the embedded database and local keys',
  }),
  PRONTO_EMBEDDED_DB_THREAD: Type.Enum(['main', 'worker'], {
    default: 'main',
    description:
      "main runs the embedded database on the services' thread; worker on a thread of its own (more events/s at intake, slower offers)",
  }),
  PRONTO_EMBEDDED_DB_SHARED_BUFFERS: Type.String({
    default: '16MB',
    pattern: '^[1-9][0-9]*(kB|MB|GB)$',
    description:
      "the embedded database's page cache (PostgreSQL's shared_buffers), held in the process's memory",
  }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL instead of the embedded database' }),
  ),
  PRONTO_MASTER_KEY: Type.Optional(
    MasterKey('encrypts API-key secrets (default: generated once into the data folder)'),
  ),
  PRONTO_DEMO: Type.Enum(['0', '1'], {
    default: '1',
    description: '1 seeds the demo tenant, campaign and key',
  }),
  PRONTO_DEMO_SECRET: Type.Optional(Type.String({ minLength: 16, description: "the demo key's secret" })),
  PRONTO_DEMO_BOTS: Type.Integer({ minimum: 0, maximum: 500, default: 5, description: 'simulated agents' }),
  PRONTO_DEMO_SIP_ENDPOINTS: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]+=[^,=\\s]+(,[A-Za-z0-9_-]+=[^,=\\s]+)*$',
      description:
        "demo agents' phones for DIALER=asterisk, username=endpoint pairs: agent1=PJSIP/agent1001,bot1=PJSIP/agent1003",
    }),
  ),
  PRONTO_DB_POOL_SIZE: CommonSettings.PRONTO_DB_POOL_SIZE,
  PRONTO_REDRIVE_AFTER_SECONDS: CommonSettings.PRONTO_REDRIVE_AFTER_SECONDS,
  ...IntakeSettings,
  ...BusSettings,
  ...DialerSettings,
  PRONTO_START_TIMEOUT_SECONDS: CommonSettings.PRONTO_START_TIMEOUT_SECONDS,
  LOG_LEVEL: CommonSettings.LOG_LEVEL,
});
export type EmbeddedConfig = Static<typeof EmbeddedConfig>;
