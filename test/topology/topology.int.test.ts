import { registerAgentGateway } from '@pronto/agent-gateway';
import { type Bus, createInProcessBus } from '@pronto/bus';
import { instanceGroup, type Service, subscriptionsOf, TOPOLOGY, type Topic } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { type DialerSettings, startDialer } from '@pronto/dialer';
import { DISPATCHER_TOPICS, startDispatcher } from '@pronto/dispatcher';
import { startReporting } from '@pronto/reporting';
import { SCORING_TOPICS, startScoring } from '@pronto/scoring';
import { startSurveys } from '@pronto/surveys';
import { createLogger } from '@pronto/telemetry';
import { openTestDatabase } from '@pronto/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'topology-test', level: 'silent' });

type Subscribed = `${string} <- ${string}`;
const EVERY_INSTANCE = '(a group per instance, from the newest)';

/**
 * Every service that subscribes, started as the embedded process starts it, each on a bus that
 * records its subscribe() calls. The services left out take nothing from the bus: ingest (it
 * publishes through its relay), alerts (their sweeps read the database) and the console.
 */
describe('TOPOLOGY against the subscriptions the services make', () => {
  let db: Database;
  let bus: Bus;
  const subscribed = new Map<Service, Set<Subscribed>>();
  const stops: Array<() => Promise<unknown>> = [];

  /** The agent gateway's instance id, given to it: its per-instance group is named after it. */
  let gatewayInstance = '';

  /** The bus as `service` sees it: each subscription it makes is recorded. */
  function recording(service: Service): Bus {
    const mine = new Set<Subscribed>();
    subscribed.set(service, mine);
    return new Proxy(bus, {
      get(target, property) {
        if (property === 'subscribe')
          return (options: Parameters<Bus['subscribe']>[0]) => {
            // A per-instance group is ephemeral and named after the service and the instance.
            const perInstance =
              options.ephemeral === true &&
              (options.group === instanceGroup(service, gatewayInstance) ||
                (options.group.startsWith(service) && options.group !== service));
            mine.add(`${options.topic} <- ${perInstance ? `${service} ${EVERY_INSTANCE}` : options.group}`);
            return target.subscribe(options);
          };
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    bus = createInProcessBus({ sql: db.sql, logger });
    const scoring = await startScoring({ db, bus: recording('scoring'), logger, redriveAfterMs: 3_600_000 });
    stops.push(() => scoring.stop());
    const dispatcher = await startDispatcher({ db, bus: recording('dispatcher'), logger });
    stops.push(() => dispatcher.stop());
    const reporting = await startReporting({ db, bus: recording('reporting'), logger, unscoredTimer: false });
    stops.push(() => reporting.stop());
    const surveys = await startSurveys({ db, bus: recording('surveys'), logger });
    stops.push(() => surveys.stop());
    const dialer = await startDialer({ DIALER: 'simulated' } as DialerSettings, {
      bus: recording('dialer'),
      logger,
      sql: db.sql,
    });
    stops.push(() => dialer.stop());
    const app = Fastify();
    gatewayInstance = 'topology-test-instance';
    await registerAgentGateway(app, {
      db,
      bus: recording('agent-gateway'),
      logger,
      instanceId: gatewayInstance,
    });
    stops.push(() => app.close());
  }, 240_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await bus?.close();
    await db?.close();
  });

  it('lists exactly the topics each service subscribes to, in a group named after the service or one per instance', () => {
    const listed = new Map<Service, Set<Subscribed>>();
    for (const [topic, route] of Object.entries(TOPOLOGY)) {
      for (const service of route.consumers)
        listed.set(service, (listed.get(service) ?? new Set()).add(`${topic} <- ${service}`));
      // Only on PostgreSQL may several dispatchers run (the embedded database takes one process), so
      // only there does each dispatcher instance hear every queued lead.
      for (const service of route.everyInstance.filter((s) => s !== 'dispatcher' || db.kind === 'postgres'))
        listed.set(
          service,
          (listed.get(service) ?? new Set()).add(`${topic} <- ${service} ${EVERY_INSTANCE}`),
        );
    }
    const sorted = (map: Map<Service, Set<Subscribed>>) =>
      Object.fromEntries(
        [...map.entries()]
          .filter(([, set]) => set.size > 0)
          .map(([service, set]) => [service, [...set].sort()])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
    expect(sorted(subscribed)).toEqual(sorted(listed));
  });

  it('has brokers keep messages before the first publish only for groups shared by instances', () => {
    // Each gateway instance reads from its start: a subscription kept for no instance would only pile up.
    expect(subscriptionsOf('offers')).toEqual([]);
    expect(TOPOLOGY.offers.everyInstance).toEqual(['agent-gateway']);
  });

  it("lists scoring's and the dispatcher's relayed topics as theirs", () => {
    const producedBy = (service: Service) =>
      (Object.keys(TOPOLOGY) as Topic[])
        .filter((topic) => TOPOLOGY[topic].producers.includes(service))
        .sort();
    expect(producedBy('scoring')).toEqual([...SCORING_TOPICS].sort());
    expect(producedBy('dispatcher')).toEqual([...DISPATCHER_TOPICS].sort());
  });
});
