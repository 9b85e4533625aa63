import { loadConfig } from '@pronto/config';
import Type, { type Static } from 'typebox';

export const EmbeddedConfig = Type.Object({
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 8080,
    description: 'HTTP port (0 picks a free one)',
  }),
  HOST: Type.String({ default: '127.0.0.1', description: 'interface to listen on' }),
  PRONTO_DATA_DIR: Type.String({
    default: '.pronto',
    description: 'folder for the embedded database and local keys',
  }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL instead of the embedded database' }),
  ),
  PRONTO_MASTER_KEY: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9+/]{43}=$',
      description:
        '32 bytes, base64; encrypts API-key secrets (default: generated once into the data folder)',
    }),
  ),
  PRONTO_DEMO: Type.Enum(['0', '1'], {
    default: '1',
    description: '1 seeds the demo tenant, campaign and key',
  }),
  PRONTO_DEMO_SECRET: Type.Optional(Type.String({ minLength: 16, description: "the demo key's secret" })),
  PRONTO_DEMO_BOTS: Type.Integer({ minimum: 0, maximum: 500, default: 5, description: 'simulated agents' }),
  PRONTO_WRITER_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 2,
    description:
      'intake transactions in flight at once (PostgreSQL); events arriving meanwhile share the next one',
  }),
  PRONTO_DB_POOL_SIZE: Type.Integer({
    minimum: 2,
    maximum: 200,
    default: 10,
    description: 'PostgreSQL connections',
  }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
});
export type EmbeddedConfig = Static<typeof EmbeddedConfig>;

export const loadEmbeddedConfig = (env: NodeJS.ProcessEnv): EmbeddedConfig => loadConfig(EmbeddedConfig, env);
