import Type from 'typebox';

/** Settings that several services read the same way; each service's schema spreads what it uses. */
export const CommonSettings = {
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 8080,
    description: 'HTTP port (0 picks a free one)',
  }),
  HOST: Type.String({ default: '127.0.0.1', description: 'interface to listen on; 0.0.0.0 in a container' }),
  PRONTO_DB_POOL_SIZE: Type.Integer({
    minimum: 2,
    maximum: 200,
    default: 10,
    description: 'PostgreSQL connections',
  }),
  PRONTO_START_TIMEOUT_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 60,
    description:
      'how long a starting service waits for its database and bus (retrying, and logging each attempt) before it exits 1',
  }),
  PRONTO_REDRIVE_AFTER_SECONDS: Type.Integer({
    minimum: 5,
    maximum: 86_400,
    default: 60,
    description:
      'a lead accepted and still unscored this long after (its intent lost on the bus) is scored from its stored intent by scoring, and counted in the SLA report meanwhile by reporting',
  }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
};

export const MasterKey = (description: string) =>
  Type.String({
    pattern: '^[A-Za-z0-9+/]{43}=$',
    description: `32 bytes, base64 (openssl rand -base64 32): ${description}`,
  });

/** Which message bus a service uses, and how to reach it. */
export const BusSettings = {
  BUS: Type.Enum(['in-process', 'kafka', 'pubsub'], {
    default: 'in-process',
    description:
      'in-process: a log in the database, for one process (npm start); kafka; pubsub (Google Pub/Sub)',
  }),
  BUS_NAMESPACE: Type.String({
    default: '',
    pattern: '^[A-Za-z0-9_-]*$',
    description:
      'prefix of topic and consumer-group names, when several installations share one Kafka or Pub/Sub',
  }),
  KAFKA_BROKERS: Type.Optional(
    Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$', description: 'host:port[,host:port...] (BUS=kafka)' }),
  ),
  KAFKA_PARTITIONS: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 8,
    description:
      'partitions of the topics Pronto creates: the most instances of one service that share the work',
  }),
  PUBSUB_EMULATOR_HOST: Type.Optional(
    Type.String({
      pattern: '^[^:\\s]+:[0-9]+$',
      description: 'host:port of the Pub/Sub emulator (BUS=pubsub); read by the Google client library too',
    }),
  ),
  PUBSUB_PROJECT: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Google Cloud project (BUS=pubsub); with PUBSUB_EMULATOR_HOST any name',
    }),
  ),
};
