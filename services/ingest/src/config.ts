import { loadConfig } from '@pronto/config';
import Type, { type Static } from 'typebox';

export const IngestConfig = Type.Object({
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 8080,
    description: 'HTTP port (0 picks a free one)',
  }),
  HOST: Type.String({ default: '127.0.0.1', description: 'interface to listen on; 0.0.0.0 in a container' }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string' }),
  PRONTO_MASTER_KEY: Type.String({
    pattern: '^[A-Za-z0-9+/]{43}=$',
    description: '32 random bytes, base64 (openssl rand -base64 32): encrypts API-key secrets at rest',
  }),
  PRONTO_DB_POOL_SIZE: Type.Integer({
    minimum: 2,
    maximum: 200,
    default: 10,
    description: 'database connections',
  }),
  PRONTO_WRITER_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 2,
    description:
      'intake transactions in flight at once (PostgreSQL); events arriving meanwhile share the next one',
  }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
});
export type IngestConfig = Static<typeof IngestConfig>;

export const loadIngestConfig = (env: NodeJS.ProcessEnv): IngestConfig => loadConfig(IngestConfig, env);
