import { randomBytes, randomUUID } from 'node:crypto';
import { createKafkaBus, type Subscription } from '@pronto/bus';
import { ensureKafka } from '@pronto/bus/testing';
import { type Database, openDatabase } from '@pronto/db';
import { createLogger } from '@pronto/telemetry';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { seedTenant } from '../support/seed-tenant.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

// Separate processes share one database, so this runs on PostgreSQL only: when DATABASE_URL names
// one (CI's second pass). On the embedded database there is nothing to run it on; running it in both
// passes against the same server would only repeat it.
const onPostgres = Boolean(process.env.DATABASE_URL);

const EVENTS = 2_000;
const PEOPLE = 1_500;
const SENDERS = 20;
const key = { keyId: 'kill-key', secret: `prs_${randomBytes(24).toString('base64url')}` };
const masterKey = randomBytes(32).toString('base64');
const namespace = `kill${randomUUID().slice(0, 8)}`;

/** Events 0..1499 are new people; 1500..1999 come back as people 0, 3, 6, ... (repeat intents). */
const personOf = (i: number) => (i < PEOPLE ? i : (i - PEOPLE) * 3);
const phoneOf = (person: number) => `+48 6${String(person).padStart(8, '0')}`;
const event = (i: number) => ({
  eventId: `kill-${i}`,
  type: 'offer_check',
  occurredAt: new Date(Date.UTC(2026, 10, 23, 9, 0, 0) + i).toISOString(),
  campaign: 'cash-loan',
  person: { phone: phoneOf(personOf(i)), locale: 'pl-PL' },
  consent: { phoneContact: true },
  offer: { product: 'cash_loan', amount: 1000 + i, currency: 'PLN', eligibility: 'approved' },
});

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 180_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.runIf(onPostgres)('kill -9 of the relay and of scoring on Kafka (PostgreSQL)', () => {
  it(`gives each of ${EVENTS} accepted events exactly one effect: no lost, no doubled leads`, async () => {
    const brokers = ensureKafka();
    const databaseUrl = await createScratchDatabase();
    const db: Database = await openDatabase({ url: databaseUrl });
    const services: ServiceProcess[] = [];
    try {
      await seedTenant(db, {
        slug: 'kill',
        key,
        masterKey: Buffer.from(masterKey, 'base64'),
        slaClock: 'calendar',
      });

      const env = {
        DATABASE_URL: databaseUrl,
        BUS: 'kafka',
        KAFKA_BROKERS: brokers,
        BUS_NAMESPACE: namespace,
        PRONTO_DB_POOL_SIZE: '4',
      };
      // The relay that publishes accepted events lives in the ingest process.
      const startIngest = async () => {
        const service = await startService({
          name: 'ingest',
          entry: 'services/ingest/src/main.ts',
          env: { ...env, PRONTO_MASTER_KEY: masterKey },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        services.push(service);
        return service;
      };
      const startScoring = async () => {
        const service = await startService({
          name: 'scoring',
          entry: 'services/scoring/src/main.ts',
          env,
          ready: /scoring intents/,
        });
        services.push(service);
        return service;
      };
      let ingest = await startIngest();
      let scoring = await startScoring();
      let restarting: Promise<void> | undefined;
      const crashes: string[] = [];

      // At these counts of answers, kill -9 and start again: the relay, scoring, then both.
      const plan = new Map<number, () => Promise<void>>([
        [
          400,
          async () => {
            await ingest.kill9();
            ingest = await startIngest();
          },
        ],
        [
          900,
          async () => {
            await scoring.kill9();
            scoring = await startScoring();
          },
        ],
        [
          1_400,
          async () => {
            await Promise.all([ingest.kill9(), scoring.kill9()]);
            [ingest, scoring] = await Promise.all([startIngest(), startScoring()]);
          },
        ],
      ]);

      // Clients resend what got no answer (same eventId), as the client package does.
      let next = 0;
      let answered = 0;
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (next < EVENTS) {
            const i = next++;
            for (;;) {
              await restarting;
              try {
                const response = await signedFetch(ingest.ready, key, 'POST', '/v1/events', event(i));
                if (response.status === 202 || response.status === 200) break;
                if (response.status !== 503)
                  throw new Error(`event ${i}: ${response.status} ${JSON.stringify(response.json)}`);
              } catch (error) {
                if ((error as Error).message.startsWith(`event ${i}:`)) throw error;
              }
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
            answered += 1;
            const crash = plan.get(answered);
            if (crash) {
              const at = answered;
              // What was in flight when the process died: accepted but unpublished, published but unscored.
              restarting = db.sql
                .query<{ unsent: number; scored: number }>(
                  `SELECT (SELECT count(*)::int FROM outbox WHERE sent_at IS NULL) AS unsent,
                            (SELECT count(*)::int FROM processed_message) AS scored`,
                )
                .then(([row]) => {
                  crashes.push(`after ${at} answers (${row?.unsent} unpublished, ${row?.scored} scored)`);
                  return crash();
                });
            }
          }
        }),
      );
      await restarting;
      expect(crashes).toHaveLength(3);

      // Everything accepted is scored, however often the pipeline died on the way.
      await until('every intent is scored', async () => {
        const [row] = await db.sql.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM processed_message WHERE consumer = 'scoring'",
        );
        return row?.n === EVENTS;
      });

      const [counts] = await db.sql.query<{
        events: number;
        leads: number;
        intents: number;
        unscored: number;
      }>(
        `SELECT (SELECT count(*)::int FROM intent_event) AS events,
                  (SELECT count(*)::int FROM lead) AS leads,
                  (SELECT sum(intent_count)::int FROM lead) AS intents,
                  (SELECT count(*)::int FROM lead WHERE status <> 'queued') AS unscored`,
      );
      expect(counts).toEqual({ events: EVENTS, leads: PEOPLE, intents: EVENTS, unscored: 0 });
      const doubled = await db.sql.query(
        'SELECT phone_e164 FROM lead GROUP BY phone_e164 HAVING count(*) > 1',
      );
      expect(doubled).toEqual([]);
      // Scoring's effect happened once per lead however many times the intents were delivered.
      const history = await db.sql.query<{ type: string; per_lead_max: number; leads: number }>(
        `SELECT type, max(n)::int AS per_lead_max, count(*)::int AS leads
             FROM (SELECT lead_id, type, count(*) AS n FROM lead_history GROUP BY lead_id, type) h
            WHERE type IN ('scored', 'queued') GROUP BY type ORDER BY type`,
      );
      expect(history).toEqual([
        { type: 'queued', per_lead_max: 1, leads: PEOPLE },
        { type: 'scored', per_lead_max: 1, leads: PEOPLE },
      ]);
      const repeats = await db.sql.query<{ intent_count: number; n: number }>(
        'SELECT intent_count, count(*)::int AS n FROM lead GROUP BY intent_count ORDER BY intent_count',
      );
      expect(repeats).toEqual([
        { intent_count: 1, n: PEOPLE - (EVENTS - PEOPLE) },
        { intent_count: 2, n: EVENTS - PEOPLE },
      ]);

      // And every lead reached the `leads` topic on Kafka for the dispatcher.
      const leadIds = new Set((await db.sql.query<{ id: string }>('SELECT id FROM lead')).map((r) => r.id));
      const seen = new Set<string>();
      const reader = createKafkaBus({
        brokers: brokers.split(','),
        clientId: 'kill-reader',
        logger: createLogger({ name: 'reader', level: 'silent' }),
      });
      let subscription: Subscription | undefined;
      try {
        subscription = await reader.subscribe({
          topic: `${namespace}.leads`,
          group: `${namespace}.reader`,
          handler: async ({ message }) => {
            seen.add((message.payload as { leadId: string }).leadId);
          },
        });
        await until('every lead is on the leads topic', () => seen.size >= leadIds.size, 60_000);
        expect([...seen].every((id) => leadIds.has(id))).toBe(true);
      } finally {
        await subscription?.close();
        await reader.close();
      }
      process.stdout.write(
        `kill test: crashes ${crashes.join(', ')}; ${counts?.leads} leads, ${EVENTS - PEOPLE} merges\n`,
      );
    } finally {
      for (const service of services) await service.kill9();
      await db.close();
      await dropScratchDatabase(databaseUrl);
    }
  }, 600_000);
});
