import { randomUUID } from 'node:crypto';
import { createKafkaBus, type Subscription, withNamespace } from '@pronto/bus';
import { ensureKafka } from '@pronto/bus/testing';
import type { CallEventV1, DialRequestV1 } from '@pronto/contracts';
import { type Database, openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { type ServiceProcess, startService } from '../support/service-process.ts';

// A dialer process and its restart on one database: PostgreSQL only, when DATABASE_URL names one
// (CI's second pass), with Kafka (KAFKA_BROKERS, or a broker of the test's own).
const onPostgres = Boolean(process.env.DATABASE_URL);
const logger = createLogger({ name: 'test', level: 'silent' });

type CallEvent = CallEventV1['payload'];

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An originate as the dispatcher sends it; `key` puts it behind another attempt's messages. */
function originate(payload: DialRequestV1['payload'], key = payload.attemptId): DialRequestV1 {
  return {
    type: 'dial.request',
    version: 1,
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    key,
    payload,
  };
}

/**
 * Issue 19: the simulated dialer killed with kill -9 and started again, then given the originates
 * it had taken before once more (as the bus redelivers what was not acknowledged): it places no
 * second call, whether the first had ended or was cut by the crash, and goes on dialing new ones.
 */
describe.runIf(onPostgres)(
  'a dialer killed and restarted, given its originates again (PostgreSQL, Kafka)',
  () => {
    it('places one call per attempt: no second call and no second call event', async () => {
      const databaseUrl = await createScratchDatabase();
      const namespace = `dialer${randomUUID().slice(0, 8)}`;
      const bus = withNamespace(
        createKafkaBus({ brokers: ensureKafka().split(','), clientId: `test-${namespace}`, logger }),
        namespace,
      );
      let db: Database | undefined;
      let dialer: ServiceProcess | undefined;
      let subscription: Subscription | undefined;
      const outputs: string[] = [];
      try {
        const startDialer = () =>
          startService({
            name: 'dialer',
            entry: 'services/dialer/src/main.ts',
            env: {
              DATABASE_URL: databaseUrl,
              BUS: 'kafka',
              KAFKA_BROKERS: ensureKafka(),
              BUS_NAMESPACE: namespace,
              PRONTO_DB_POOL_SIZE: '2',
            },
            ready: /"msg":"dialing"/,
          });
        // The first start applies the migrations the test's own connection then finds.
        dialer = await startDialer();
        const database = await openDatabase({ url: databaseUrl, poolSize: 2 });
        db = database;
        const tenant = await createTenant(database.prisma, {
          slug: 'dialer-restart',
          name: 'Dialer restart',
        });
        const campaign = (slug: string, dialerProfile: object) =>
          createCampaign(database.prisma, {
            tenantId: tenant.id,
            slug,
            name: slug,
            timeZone: 'Europe/Warsaw',
            dialerProfile,
          });
        // Busy lines end a second or three after the originate; answered calls talk for ten minutes.
        const quick = await campaign('quick', {
          rates: { answered: 0, no_answer: 0, busy: 1, voicemail: 0, failed: 0 },
          postDialDelayMs: 0,
        });
        const long = await campaign('long', {
          rates: { answered: 1, no_answer: 0, busy: 0, voicemail: 0, failed: 0 },
          personRingMs: [1_000, 1_000],
          talkMs: [600_000, 600_000],
        });
        const request = (campaignId: string): DialRequestV1['payload'] => ({
          action: 'originate',
          attemptId: randomUUID(),
          leadId: randomUUID(),
          tenantId: tenant.id,
          campaignId,
          agentId: randomUUID(),
          agentEndpoint: 'PJSIP/agent-7',
          phone: '+48601234567',
          callerId: null,
          ringTimeoutSeconds: 30,
        });

        const events: CallEvent[] = [];
        subscription = await bus.subscribe({
          topic: 'call-events',
          group: `test-${namespace}`,
          handler: async ({ message }) => {
            events.push((message as CallEventV1).payload);
          },
        });
        const phases = (attemptId: string) =>
          events.filter((event) => event.attemptId === attemptId).map((event) => event.phase);

        // One call ends before the crash, the other is cut by it.
        const ended = request(quick.id);
        const cut = request(long.id);
        await bus.publish('dial-requests', [originate(ended), originate(cut)]);
        await until('the busy call ends', () => phases(ended.attemptId).includes('ended'));
        await until('the long call is bridged', () => phases(cut.attemptId).includes('bridged'));
        await dialer.kill9();
        outputs.push(dialer.output());

        dialer = await startDialer();
        // The same originates again, then a new attempt behind each of them (same key, so handled after).
        const behindEnded = request(quick.id);
        const behindCut = request(quick.id);
        await bus.publish('dial-requests', [
          originate(ended),
          originate(cut),
          originate(behindEnded, ended.attemptId),
          originate(behindCut, cut.attemptId),
        ]);
        await until(
          'the new attempts end',
          () =>
            phases(behindEnded.attemptId).includes('ended') && phases(behindCut.attemptId).includes('ended'),
        );
        const second = dialer.output();
        outputs.push(second);

        // Each attempt was originated by one process once: the first; the second said why it did not.
        for (const attemptId of [ended.attemptId, cut.attemptId]) {
          const originating = outputs
            .join('')
            .split('\n')
            .filter((line) => line.includes(attemptId) && line.includes('"msg":"originating"'));
          expect(originating, attemptId).toHaveLength(1);
          expect(second).toMatch(
            new RegExp(
              `"attemptId":"${attemptId}".*"msg":"originate for a call already placed: not dialed again"`,
            ),
          );
        }
        expect(phases(ended.attemptId)).toEqual(['originated', 'ended']);
        expect(phases(cut.attemptId)).toEqual(['originated', 'ringing', 'answered', 'bridged']);
        expect(phases(behindEnded.attemptId)).toEqual(['originated', 'ended']);
        const rows = await database.sql.query<{ attempt_id: string; outcome: string | null }>(
          'SELECT attempt_id, outcome FROM dialer_call WHERE attempt_id = ANY($1::uuid[]) ORDER BY placed_at',
          [[ended.attemptId, cut.attemptId]],
        );
        // One row each, whichever was placed first (the two originates are handled side by side).
        expect(rows).toHaveLength(2);
        expect(rows).toEqual(
          expect.arrayContaining([
            { attempt_id: ended.attemptId, outcome: 'busy' },
            { attempt_id: cut.attemptId, outcome: null },
          ]),
        );
      } finally {
        await dialer?.stop();
        await subscription?.close();
        await bus.close();
        await db?.close();
        await dropScratchDatabase(databaseUrl);
      }
    }, 300_000);
  },
);
