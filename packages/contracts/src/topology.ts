/** Pronto's services that publish or subscribe on the bus (each one's `src/main.ts` in the distributed run). */
export type Service =
  | 'ingest'
  | 'scoring'
  | 'dispatcher'
  | 'agent-gateway'
  | 'dialer'
  | 'reporting'
  | 'surveys'
  | 'alerts'
  | 'console';

/**
 * One topic's route: the services that publish it, the consumer groups of Pronto's services that
 * read it (each service's group is named after the service, its instances share the messages), the
 * services every instance of which reads every message, and the groups of integrations outside
 * Pronto that read it.
 */
export interface TopicRoute {
  readonly producers: readonly Service[];
  readonly consumers: readonly Service[];
  /**
   * Each instance in an ephemeral group of its own (`instanceGroup`): it reads what is published
   * while it runs, from the newest message, and its group is deleted when it stops. No broker keeps
   * messages for these groups before an instance starts.
   */
  readonly everyInstance: readonly Service[];
  readonly outside: readonly string[];
}

export type Topic =
  | 'intents'
  | 'leads'
  | 'lead-events'
  | 'offers'
  | 'agent-commands'
  | 'dial-requests'
  | 'call-events'
  | 'survey-requests';

/**
 * Who publishes and who reads each topic (docs/architecture.md draws it). A test starts every
 * service on a recording bus and holds this to the subscriptions they really make
 * (test/topology/topology.int.test.ts).
 *
 * Brokers that drop messages nobody subscribed to yet (Google Pub/Sub) get every consumer's and
 * outside reader's subscription before the first publish, so a service started after its producers
 * (reporting and surveys come later; the SMS integration outside Pronto later still) still receives
 * everything published before it was deployed.
 */
export const TOPOLOGY: Readonly<Record<Topic, TopicRoute>> = {
  intents: { producers: ['ingest'], consumers: ['scoring'], everyInstance: [], outside: [] },
  // The shared group applies the wake-up once; every dispatcher instance also hears it, in case the
  // one that got it has no free agent while instances share the agents.
  leads: { producers: ['scoring'], consumers: ['dispatcher'], everyInstance: ['dispatcher'], outside: [] },
  'lead-events': {
    producers: ['scoring', 'dispatcher'],
    consumers: ['reporting', 'surveys'],
    everyInstance: [],
    outside: [],
  },
  // Every gateway instance forwards every agent's update to the sockets it holds.
  offers: { producers: ['dispatcher'], consumers: [], everyInstance: ['agent-gateway'], outside: [] },
  'agent-commands': {
    producers: ['agent-gateway'],
    consumers: ['dispatcher'],
    everyInstance: [],
    outside: [],
  },
  'dial-requests': { producers: ['dispatcher'], consumers: ['dialer'], everyInstance: [], outside: [] },
  'call-events': { producers: ['dialer'], consumers: ['dispatcher'], everyInstance: [], outside: [] },
  // Read by the tenant's SMS provider integration, outside Pronto.
  'survey-requests': { producers: ['surveys'], consumers: [], everyInstance: [], outside: ['survey-sender'] },
};

/** The group of one instance of a service listed in `everyInstance`. */
export const instanceGroup = (service: Service, instanceId: string) => `${service}.${instanceId}`;

/**
 * Every subscription a broker should hold for `topic` before anything is published: Pronto's
 * consumer groups, then the outside readers (not the per-instance groups: they start at the newest).
 */
export function subscriptionsOf(topic: Topic): readonly string[] {
  const route = TOPOLOGY[topic];
  return [...route.consumers, ...route.outside];
}
