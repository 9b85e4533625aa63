import { ConfigError } from '@pronto/config';
import { subscriptionsOf, TOPOLOGY, type Topic } from '@pronto/contracts';
import type { Sql } from '@pronto/db';
import type { Logger } from '@pronto/telemetry';
import type { Bus } from './bus.ts';
import { createInProcessBus, enableDirectOutbox } from './in-process/in-process-bus.ts';
import { createKafkaBus } from './kafka/kafka-bus.ts';
import { withNamespace } from './with-namespace.ts';

/** The BusSettings of @pronto/config, as parsed. */
export interface BusConfig {
  readonly BUS: 'in-process' | 'kafka' | 'pubsub';
  readonly BUS_NAMESPACE: string;
  readonly KAFKA_BROKERS?: string | undefined;
  readonly KAFKA_PARTITIONS: number;
  readonly PUBSUB_PROJECT?: string | undefined;
  readonly PUBSUB_EMULATOR_HOST?: string | undefined;
}

/**
 * The bus the configuration names. A setting that the chosen bus needs and lacks is a
 * ConfigError at start, named, rather than a connection error later. The Pub/Sub client is loaded
 * only when chosen: it is large, and the embedded runtime never needs it.
 */
export interface CreateBusDeps {
  readonly sql: Sql;
  readonly logger: Logger;
  readonly clientId: string;
  /**
   * The in-process bus writes outbox rows straight into its log (enableDirectOutbox): only on the
   * embedded database, which has one connection. Not with a BUS_NAMESPACE (the log's topic names
   * would differ from the outbox's).
   */
  readonly directOutbox?: boolean;
}

export async function createBus(config: BusConfig, deps: CreateBusDeps): Promise<Bus> {
  return withNamespace(await createAdapter(config, deps), config.BUS_NAMESPACE);
}

async function createAdapter(config: BusConfig, deps: CreateBusDeps): Promise<Bus> {
  const logger = deps.logger.child({ bus: config.BUS });
  switch (config.BUS) {
    case 'in-process':
      return createInProcessBus({
        sql: deps.sql,
        logger,
        ...(deps.directOutbox && !config.BUS_NAMESPACE
          ? { directOutboxAfter: await enableDirectOutbox(deps.sql) }
          : {}),
      });
    case 'kafka': {
      if (!config.KAFKA_BROKERS)
        throw new ConfigError(['KAFKA_BROKERS is required when BUS=kafka (host:port[,host:port...])']);
      return createKafkaBus({
        brokers: config.KAFKA_BROKERS.split(','),
        clientId: deps.clientId,
        logger,
        partitions: config.KAFKA_PARTITIONS,
      });
    }
    case 'pubsub': {
      const projectId = config.PUBSUB_PROJECT ?? (config.PUBSUB_EMULATOR_HOST ? 'pronto-local' : undefined);
      if (!projectId)
        throw new ConfigError([
          'PUBSUB_PROJECT is required when BUS=pubsub (or set PUBSUB_EMULATOR_HOST to use the emulator)',
        ]);
      // On the emulator there is no metadata server to ask for credentials; asking only logs a warning.
      if (config.PUBSUB_EMULATOR_HOST) process.env.METADATA_SERVER_DETECTION ??= 'none';
      const { createPubSubBus } = await import('./pubsub/pubsub-bus.ts');
      const namespaced = Object.fromEntries(
        (Object.keys(TOPOLOGY) as Topic[]).map((topic) => [
          config.BUS_NAMESPACE ? `${config.BUS_NAMESPACE}.${topic}` : topic,
          subscriptionsOf(topic).map((group) =>
            config.BUS_NAMESPACE ? `${config.BUS_NAMESPACE}.${group}` : group,
          ),
        ]),
      );
      // The emulator loses messages of ordering keys whose subscriber was killed (see
      // PubSubBusOptions.messageOrdering); Google Cloud keeps them, and its order, with ordering on.
      return createPubSubBus({
        projectId,
        logger,
        provision: namespaced,
        messageOrdering: !config.PUBSUB_EMULATOR_HOST,
      });
    }
  }
}
