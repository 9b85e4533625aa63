import type { AddressInfo } from 'node:net';
import { type AgentGateway, registerAgentGateway } from '@pronto/agent-gateway';
import type { TestSocket } from '@pronto/agent-gateway/testing';
import { type Bus, createInProcessBus } from '@pronto/bus';
import type { Database } from '@pronto/db';
import { type Dispatcher, startDispatcher } from '@pronto/dispatcher';
import { ALWAYS_OPEN } from '@pronto/dispatcher/testing';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAgent,
  heartbeat,
  offerIn,
  openDesktop,
  queueLead,
  signIn,
  stateOf,
  updatesOf,
  waitFor,
} from './desktop.ts';

const logger = createLogger({ name: 'two-gateways-test', level: 'silent' });

interface Instance {
  app: FastifyInstance;
  gateway: AgentGateway;
  baseUrl: string;
}

/**
 * Two agent gateway instances on one database and one bus (the embedded database and the
 * in-process bus: the same code paths as two processes on PostgreSQL and Kafka, which
 * gateway-killed.int.test.ts runs), a dispatcher, and agents on both.
 */
describe('two agent gateway instances', () => {
  let db: Database;
  let bus: Bus;
  let dispatcher: Dispatcher;
  let clock = new Date('2026-11-24T10:00:00.000Z');
  const now = () => clock;
  const instances: Instance[] = [];
  const sockets: TestSocket[] = [];
  let tenantId = '';
  let campaignId = '';
  type Agent = Awaited<ReturnType<typeof addAgent>>;
  let ann: Agent;
  /** Ann's first socket, on the first instance. */
  let annFirst: TestSocket;

  async function startInstance(instanceId: string, through: Bus = bus): Promise<Instance> {
    const app = Fastify();
    const gateway = await registerAgentGateway(app, { db, bus: through, logger, now, instanceId });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const instance = {
      app,
      gateway,
      baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    };
    instances.push(instance);
    return instance;
  }

  async function connect(instance: Instance, agent: { id: string; username: string; password: string }) {
    const socket = await openDesktop(instance.baseUrl, await signIn(instance.baseUrl, agent));
    sockets.push(socket);
    return socket;
  }

  /** Whether the dispatcher has applied the agent's `nth` command of that name (1 = the first). */
  async function applied(agentId: string, command: string, nth = 1) {
    const [sent] = await db.sql.query<{ id: string }>(
      `SELECT message->>'id' AS id FROM bus_message WHERE topic = 'agent-commands'
          AND message->'payload'->>'agentId' = $1 AND message->'payload'->>'command' = $2
        ORDER BY id OFFSET $3 LIMIT 1`,
      [agentId, command, nth - 1],
    );
    if (!sent) return false;
    const rows = await db.sql.query('SELECT 1 FROM processed_message WHERE message_id = $1', [sent.id]);
    return rows.length > 0;
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    bus = createInProcessBus({ sql: db.sql, logger });
    const tenant = await createTenant(db.prisma, { slug: 'bank', name: 'Bank' });
    tenantId = tenant.id;
    const campaign = await createCampaign(db.prisma, {
      tenantId,
      slug: 'cash-loan',
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
      agentGroups: ['loans'],
      callingWindows: ALWAYS_OPEN,
    });
    campaignId = campaign.id;
    dispatcher = await startDispatcher({ db, bus, logger, now, loop: false });
  }, 240_000);

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await dispatcher?.stop();
    for (const instance of instances) await instance.app.close();
    await bus?.close();
    await db?.close();
  });

  it('gives every agent its own offers and only its own, on whichever instance it is connected', async () => {
    const [a, b] = [await startInstance('gw-a'), await startInstance('gw-b')];
    const agents = await Promise.all(
      ['ann', 'adam', 'bea', 'bob'].map((name) => addAgent(db, tenantId, name)),
    );
    const [, adam, bea, bob] = agents as [Agent, Agent, Agent, Agent];
    ann = agents[0] as Agent;
    annFirst = await connect(a, ann);
    const desktops = new Map<string, TestSocket>([
      [ann.id, annFirst],
      [adam.id, await connect(a, adam)],
      [bea.id, await connect(b, bea)],
      [bob.id, await connect(b, bob)],
    ]);
    for (const agent of agents)
      await waitFor(
        `${agent.username} available`,
        async () => (await stateOf(db, agent.id)) === 'available' || undefined,
      );
    // Each instance holds its own sockets and records them as present on itself.
    expect(a.gateway.connectedAgents().sort()).toEqual([ann.id, adam.id].sort());
    expect(b.gateway.connectedAgents().sort()).toEqual([bea.id, bob.id].sort());
    const presence = await db.sql.query<{ agent_id: string; gateway_instance_id: string }>(
      'SELECT agent_id, gateway_instance_id FROM agent_presence',
    );
    expect(new Map(presence.map((row) => [row.agent_id, row.gateway_instance_id]))).toEqual(
      new Map([
        [ann.id, 'gw-a'],
        [adam.id, 'gw-a'],
        [bea.id, 'gw-b'],
        [bob.id, 'gw-b'],
      ]),
    );

    const leads = await Promise.all(
      [1, 2, 3, 4].map((n) => queueLead(db, { tenantId, campaignId, phone: `+4860100000${n}`, now: now() })),
    );
    expect(await dispatcher.runOnce()).toBe(4);
    const attempts = await db.prisma.attempt.findMany({ where: { leadId: { in: leads } } });
    for (const [agentId, desktop] of desktops) {
      const held = attempts.find((attempt) => attempt.agentId === agentId);
      const offer = await waitFor('the offer on its desktop', () => offerIn(desktop));
      expect(offer.attempt?.attemptId, 'the offer the dispatcher made to this agent').toBe(held?.id);
      // Only its own: every update this desktop ever got is about its agent.
      expect(new Set(updatesOf(desktop).map((update) => update.agentId))).toEqual(new Set([agentId]));
    }
    expect(new Set(attempts.map((attempt) => attempt.leadId))).toEqual(new Set(leads));
  });

  it('gives a desktop that reconnects to the other instance its state at once, and the first instance then takes nothing from it', async () => {
    const [a, b] = instances as [Instance, Instance];
    const annAgent = ann;
    const held = await db.prisma.attempt.findFirstOrThrow({
      where: { agentId: annAgent.id, releasedAt: null },
    });
    expect(held.stage).toBe('offered');

    // Ann's network flaps: her desktop reconnects, this time through the other instance, while the
    // first instance still holds her old, now silent socket.
    const started = Date.now();
    const again = await connect(b, annAgent);
    const first = await waitFor('the first update on the new socket', () => updatesOf(again)[0]);
    const tookMs = Date.now() - started;
    expect(first.agentId).toBe(annAgent.id);
    expect(first.state).toBe('offered');
    expect(first.attempt?.attemptId).toBe(held.id);
    expect(tookMs, 'the state arrives with the connection, not after a timer').toBeLessThan(5_000);
    // The state came from the other instance's copy; her online there is written a moment later.
    await waitFor(
      'her online through the other instance applied',
      () => applied(annAgent.id, 'online', 2) || undefined,
    );

    // 16 s later the first instance closes the silent socket (4408); the agent is connected through
    // the other instance, so no offline goes out and the offer stays hers. Every other desktop is
    // alive and says so half-way, 8 s in: each gateway also sweeps every second of real time, and a
    // sweep between a jump of 16 s and a desktop's heartbeat would close that desktop too (15 s).
    // Ann's first socket stays silent.
    clock = new Date(clock.getTime() + 8_000);
    for (const socket of sockets) if (socket !== annFirst && socket.isOpen) await heartbeat(socket);
    clock = new Date(clock.getTime() + 8_000);
    await b.gateway.sweep();
    await a.gateway.sweep();
    expect((await annFirst.closed).code).toBe(4408);
    expect(a.gateway.connectedAgents()).not.toContain(annAgent.id);
    const offline = await db.sql.query(
      `SELECT 1 FROM bus_message WHERE topic = 'agent-commands'
          AND message->'payload'->>'agentId' = $1 AND message->'payload'->>'command' = 'offline'`,
      [annAgent.id],
    );
    expect(offline, 'offline commands for the agent').toHaveLength(0);
    expect(await stateOf(db, annAgent.id)).toBe('offered');
    const presence = await db.sql.query<{ gateway_instance_id: string }>(
      'SELECT gateway_instance_id FROM agent_presence WHERE agent_id = $1',
      [annAgent.id],
    );
    expect(presence.map((row) => row.gateway_instance_id)).toEqual(['gw-b']);

    // She works on through the other instance: her accept there is taken.
    again.send({ type: 'accept', attemptId: held.id, ref: 'accept-1' });
    const dialing = await waitFor('the dialing update', () =>
      updatesOf(again).find((update) => update.attempt?.stage === 'dialing'),
    );
    expect(dialing.attempt?.attemptId).toBe(held.id);
  });

  it("lets an agent keep its offer when its gateway stops gracefully and that gateway's offline arrives after the desktop reconnected through the other", async () => {
    const b = instances[1] as Instance;
    // A third instance whose offlines wait until the test lets them go: with many agents on a
    // stopping gateway, most offlines reach the bus after their desktops are back elsewhere.
    let letGo = () => {};
    const held = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const slowOfflines: Bus = {
      kind: bus.kind,
      async publish(topic, messages) {
        if (messages.some((message) => (message.payload as { command?: string }).command === 'offline'))
          await held;
        await bus.publish(topic, messages);
      },
      subscribe: (options) => bus.subscribe(options),
      close: async () => {},
    };
    const c = await startInstance('gw-c', slowOfflines);
    const cat = await addAgent(db, tenantId, 'cat');
    const first = await connect(c, cat);
    await waitFor('cat available', async () => (await stateOf(db, cat.id)) === 'available' || undefined);
    const leadId = await queueLead(db, { tenantId, campaignId, phone: '+48601000009', now: now() });
    await dispatcher.runOnce();
    const offer = await db.prisma.attempt.findFirstOrThrow({ where: { agentId: cat.id, releasedAt: null } });
    expect(offer).toMatchObject({ leadId, stage: 'offered' });

    // The instance stops (SIGTERM in a rolling update): it closes Cat's socket...
    const stopping = c.app.close();
    instances.splice(instances.indexOf(c), 1);
    await first.closed;
    await waitFor(
      'the socket ended on the stopping instance',
      () => !c.gateway.connectedAgents().includes(cat.id),
    );
    // ... her desktop reconnects through the other instance half a second later and is online there...
    clock = new Date(clock.getTime() + 500);
    const again = await connect(b, cat);
    await waitFor(
      'her online through the other instance applied',
      () => applied(cat.id, 'online', 2) || undefined,
    );
    // ... and only then does the stopped instance's offline reach the dispatcher.
    letGo();
    await stopping;
    await waitFor('the late offline handled', () => applied(cat.id, 'offline') || undefined);

    expect(await stateOf(db, cat.id)).toBe('offered');
    const still = await db.prisma.attempt.findFirst({ where: { agentId: cat.id, releasedAt: null } });
    expect(still?.id, 'the offer she held').toBe(offer.id);
    expect(still?.stage).toBe('offered');
    // Her desktop on the other instance shows the offer, and can take it.
    again.send({ type: 'accept', attemptId: offer.id, ref: 'accept-cat' });
    const dialing = await waitFor('the dialing update', () =>
      updatesOf(again).find((update) => update.attempt?.stage === 'dialing'),
    );
    expect(dialing.attempt?.attemptId).toBe(offer.id);
  });
});
