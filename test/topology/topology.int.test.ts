import { registerAgentGateway } from '@pronto/agent-gateway';
import { type Bus, createInProcessBus } from '@pronto/bus';
import { type Service, TOPOLOGY, type Topic } from '@pronto/contracts';
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

  /** The bus as `service` sees it: each subscription it makes is recorded. */
  function recording(service: Service): Bus {
    const mine = new Set<Subscribed>();
    subscribed.set(service, mine);
    return new Proxy(bus, {
      get(target, property) {
        if (property === 'subscribe')
          return (options: Parameters<Bus['subscribe']>[0]) => {
            mine.add(`${options.topic} <- ${options.group}`);
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
    await registerAgentGateway(app, { db, bus: recording('agent-gateway'), logger });
    stops.push(() => app.close());
  }, 240_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await bus?.close();
    await db?.close();
  });

  it('lists exactly the topics each service subscribes to, in a group named after the service', () => {
    const listed = new Map<Service, Set<Subscribed>>();
    for (const [topic, route] of Object.entries(TOPOLOGY))
      for (const service of route.consumers)
        listed.set(service, (listed.get(service) ?? new Set()).add(`${topic} <- ${service}`));
    const sorted = (map: Map<Service, Set<Subscribed>>) =>
      Object.fromEntries(
        [...map.entries()]
          .filter(([, set]) => set.size > 0)
          .map(([service, set]) => [service, [...set].sort()])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
    expect(sorted(subscribed)).toEqual(sorted(listed));
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
