import { randomUUID } from 'node:crypto';
import type { TestSocket } from '@pronto/agent-gateway/testing';
import { type Bus, createBus } from '@pronto/bus';
import { ensureKafka } from '@pronto/bus/testing';
import { type Database, openDatabase } from '@pronto/db';
import { type Dispatcher, startDispatcher } from '@pronto/dispatcher';
import { ALWAYS_OPEN } from '@pronto/dispatcher/testing';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { addAgent, offerIn, openDesktop, queueLead, signIn, stateOf, updatesOf, waitFor } from './desktop.ts';

// Separate processes share one database: PostgreSQL only (CI's PostgreSQL pass).
const onPostgres = Boolean(process.env.DATABASE_URL);

/** PRONTO_GATEWAY_LEASE_SECONDS of both gateways: short, so the test is; the default is 10. */
const LEASE_SECONDS = 4;
/**
 * docs/agent-protocol.md "When a gateway dies": offline within the lease and one presence sweep
 * (2 s) of the dispatcher's round (which runs at least every second).
 */
const OFFLINE_BOUND_MS = LEASE_SECONDS * 1_000 + 3_000;
/** From the sweep to the desktop: the round, the outbox relay and one Kafka hop, on a busy machine. */
const DELIVERY_SLACK_MS = 4_000;

const logger = createLogger({ name: 'gateway-killed-test', level: 'silent' });

/**
 * Two agent gateway processes (their real main.ts) on PostgreSQL and Kafka, a dispatcher, agents on
 * both. One gateway is killed with kill -9 while its agent holds an offered lead.
 */
describe.runIf(onPostgres)('a gateway process killed with kill -9 (PostgreSQL, Kafka)', () => {
  it("re-offers its agent's lead to an agent on the other gateway within the lease, and its agent is offline", async () => {
    const databaseUrl = await createScratchDatabase();
    const db: Database = await openDatabase({ url: databaseUrl });
    const processes: ServiceProcess[] = [];
    const sockets: TestSocket[] = [];
    let bus: Bus | undefined;
    let dispatcher: Dispatcher | undefined;
    try {
      const brokers = ensureKafka();
      const namespace = `gw${randomUUID().slice(0, 8)}`;
      bus = await createBus(
        { BUS: 'kafka', BUS_NAMESPACE: namespace, KAFKA_BROKERS: brokers, KAFKA_PARTITIONS: 4 },
        { sql: db.sql, logger, clientId: 'gateway-killed-test' },
      );
      const tenant = await createTenant(db.prisma, { slug: 'bank', name: 'Bank' });
      // An offer timeout far beyond the bound: only the gateway's death can free the lead in time.
      const campaign = await createCampaign(db.prisma, {
        tenantId: tenant.id,
        slug: 'cash-loan',
        name: 'Cash loan',
        timeZone: 'Europe/Warsaw',
        agentGroups: ['loans'],
        callingWindows: ALWAYS_OPEN,
        offerTimeoutSeconds: 120,
      });
      const ann = await addAgent(db, tenant.id, 'ann');
      const bea = await addAgent(db, tenant.id, 'bea');
      const bob = await addAgent(db, tenant.id, 'bob');

      const env = {
        DATABASE_URL: databaseUrl,
        BUS: 'kafka',
        KAFKA_BROKERS: brokers,
        KAFKA_PARTITIONS: '4',
        BUS_NAMESPACE: namespace,
        PRONTO_DB_POOL_SIZE: '3',
        PRONTO_GATEWAY_LEASE_SECONDS: String(LEASE_SECONDS),
      };
      const start = (name: string) =>
        startService({
          name,
          entry: 'services/agent-gateway/src/main.ts',
          env,
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
      const [a, b] = await Promise.all([start('gateway-a'), start('gateway-b')]);
      processes.push(a, b);
      dispatcher = await startDispatcher({ db, bus, logger });

      const connect = async (baseUrl: string, agent: typeof ann) => {
        const socket = await openDesktop(baseUrl, await signIn(baseUrl, agent));
        sockets.push(socket);
        return socket;
      };
      const annDesk = await connect(a.ready, ann);
      const beaDesk = await connect(b.ready, bea);
      const bobDesk = await connect(b.ready, bob);
      bobDesk.send({ type: 'pause', reason: 'lunch' });
      for (const [agent, state] of [
        [ann, 'available'],
        [bea, 'available'],
        [bob, 'paused'],
      ] as const)
        await waitFor(
          `${agent.username} ${state}`,
          async () => (await stateOf(db, agent.id)) === state || undefined,
        );

      const leads = await Promise.all(
        [1, 2].map((n) =>
          queueLead(db, {
            tenantId: tenant.id,
            campaignId: campaign.id,
            phone: `+4860120000${n}`,
            now: new Date(),
          }),
        ),
      );
      dispatcher.wake();
      // Each agent gets its own offer, through its own gateway process, and nothing about the others.
      const annOffer = await waitFor("ann's offer", () => offerIn(annDesk));
      const beaOffer = await waitFor("bea's offer", () => offerIn(beaDesk));
      const annLead = annOffer.attempt?.lead.leadId as string;
      expect(new Set([annLead, beaOffer.attempt?.lead.leadId])).toEqual(new Set(leads));
      expect(new Set(updatesOf(annDesk).map((update) => update.agentId))).toEqual(new Set([ann.id]));
      expect(new Set(updatesOf(beaDesk).map((update) => update.agentId))).toEqual(new Set([bea.id]));
      expect(new Set(updatesOf(bobDesk).map((update) => update.agentId))).toEqual(new Set([bob.id]));

      bobDesk.send({ type: 'resume' });
      await waitFor('bob available', async () => (await stateOf(db, bob.id)) === 'available' || undefined);

      // Ann's gateway dies without a word: no offline is ever published for her.
      const killedAt = Date.now();
      await a.kill9();
      await waitFor(
        'ann offline',
        async () => (await stateOf(db, ann.id)) === 'offline' || undefined,
        OFFLINE_BOUND_MS + 30_000,
      );
      const offlineAfterMs = Date.now() - killedAt;
      const reoffer = await waitFor("ann's lead offered to bob", () => offerIn(bobDesk, annLead), 60_000);
      const reofferedAfterMs = Date.now() - killedAt;
      console.info(
        `gateway killed: agent offline after ${offlineAfterMs} ms, lead re-offered after ${reofferedAfterMs} ms (lease ${LEASE_SECONDS} s)`,
      );
      expect(offlineAfterMs, 'offline within the lease and one sweep').toBeLessThan(OFFLINE_BOUND_MS + 1_000);
      expect(reofferedAfterMs, 're-offered right after').toBeLessThan(OFFLINE_BOUND_MS + DELIVERY_SLACK_MS);
      expect(reoffer.agentId).toBe(bob.id);

      const lead = await db.prisma.lead.findUniqueOrThrow({
        where: { id: annLead },
        include: { history: true, attempts: { orderBy: { offeredAt: 'asc' } } },
      });
      expect(lead.attempts.map((attempt) => [attempt.agentId, attempt.endReason])).toEqual([
        [ann.id, 'agent_offline'],
        [bob.id, null],
      ]);
      // The dead instance and its rows are gone; the live one's stay.
      const instances = await db.sql.query<{ id: string }>('SELECT id FROM gateway_instance');
      expect(instances).toHaveLength(1);
      const presence = await db.sql.query<{ agent_id: string }>('SELECT agent_id FROM agent_presence');
      expect(presence.map((row) => row.agent_id).sort()).toEqual([bea.id, bob.id].sort());
    } finally {
      for (const socket of sockets) socket.terminate();
      await Promise.all(processes.map((process) => process.stop()));
      await dispatcher?.stop();
      await bus?.close();
      await db.close();
      await dropScratchDatabase(databaseUrl);
    }
  }, 300_000);
});
