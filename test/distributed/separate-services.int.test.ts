import { randomBytes, randomUUID } from 'node:crypto';
import { deletePubSubProject, ensureKafka, ensurePubSubEmulator } from '@pronto/bus/testing';
import { type Database, openDatabase } from '@pronto/db';
import { createManager } from '@pronto/tenancy';
import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { seedTenant } from '../support/seed-tenant.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

// Separate processes share one database, so this runs on PostgreSQL only: when DATABASE_URL names
// one (CI's second pass). On the embedded database there is nothing to run it on; running it in both
// passes against the same server would only repeat it.
const onPostgres = Boolean(process.env.DATABASE_URL);

const key = { keyId: 'dist-key', secret: `prs_${randomBytes(24).toString('base64url')}` };
const masterKey = randomBytes(32).toString('base64');
const pubsubProject = `pronto-dist-${randomUUID().slice(0, 8)}`;

/**
 * The distributed run (docs/operations.md): ingest, scoring, reporting, the console, the surveys and
 * the alerts as their own processes (their real main.ts) on PostgreSQL, talking over each real bus.
 * Scoring starts after events were accepted, as happens when it is deployed or restarted later:
 * nothing published meanwhile may be lost. The reporting service answers the signed SLA report from
 * what it folded; the console shows a manager the same figures, and the manager's session reads the
 * report too; the surveys and alerts services answer their own signed routes.
 */
describe.runIf(onPostgres).each([
  { bus: 'kafka', env: () => ({ KAFKA_BROKERS: ensureKafka() }) },
  {
    bus: 'pubsub',
    env: async () => ({ PUBSUB_EMULATOR_HOST: await ensurePubSubEmulator(), PUBSUB_PROJECT: pubsubProject }),
  },
])(
  'ingest, scoring, reporting, console, surveys, alerts: separate processes on $bus (PostgreSQL)',
  ({ bus, env: busEnv }) => {
    it('queues every accepted event, also those sent before scoring started', async () => {
      const databaseUrl = await createScratchDatabase();
      const db: Database = await openDatabase({ url: databaseUrl });
      const services: ServiceProcess[] = [];
      try {
        await seedTenant(db, { slug: 'dist', key, masterKey: Buffer.from(masterKey, 'base64') });
        const env = {
          DATABASE_URL: databaseUrl,
          BUS: bus,
          BUS_NAMESPACE: `dist${randomUUID().slice(0, 8)}`,
          PRONTO_DB_POOL_SIZE: '4',
          ...(await busEnv()),
        };
        const ingest = await startService({
          name: 'ingest',
          entry: 'services/ingest/src/main.ts',
          env: { ...env, PRONTO_MASTER_KEY: masterKey },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        services.push(ingest);
        const reporting = await startService({
          name: 'reporting',
          entry: 'services/reporting/src/main.ts',
          env: { ...env, PRONTO_MASTER_KEY: masterKey },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        services.push(reporting);
        // The console: the database only (no bus); the key seals what its admin API creates.
        const consoleService = await startService({
          name: 'console',
          entry: 'services/console/src/main.ts',
          env: { DATABASE_URL: databaseUrl, PRONTO_DB_POOL_SIZE: '2', PRONTO_MASTER_KEY: masterKey },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        services.push(consoleService);
        // The NPS surveys (lead-events in, survey-requests out) and the breach alerts (no bus).
        const surveys = await startService({
          name: 'surveys',
          entry: 'services/surveys/src/main.ts',
          env: { ...env, PRONTO_MASTER_KEY: masterKey },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        services.push(surveys);
        const alerts = await startService({
          name: 'alerts',
          entry: 'services/alerts/src/main.ts',
          env: { DATABASE_URL: databaseUrl, PRONTO_DB_POOL_SIZE: '2', PRONTO_MASTER_KEY: masterKey },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        services.push(alerts);
        const send = async (n: number) => {
          const response = await signedFetch(ingest.ready, key, 'POST', '/v1/events', {
            eventId: `dist-${n}`,
            type: 'offer_check',
            occurredAt: new Date().toISOString(),
            campaign: 'cash-loan',
            person: { phone: `+48 60${String(n).padStart(7, '0')}` },
            consent: { phoneContact: n % 5 !== 0 },
            offer: { product: 'cash_loan', amount: 5000, eligibility: 'checked' },
          });
          expect(response.status).toBe(202);
          return (response.json as { leadId: string }).leadId;
        };
        const before = await Promise.all(Array.from({ length: 10 }, (_, n) => send(n)));
        services.push(
          await startService({
            name: 'scoring',
            entry: 'services/scoring/src/main.ts',
            env,
            ready: /scoring intents/,
          }),
        );
        const after = await Promise.all(Array.from({ length: 10 }, (_, n) => send(10 + n)));

        // Every intent is scored once: also the no-consent ones (their score is kept for the record).
        const scoredCount = async () =>
          (
            await db.sql.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM lead_history WHERE type = 'scored'",
            )
          )[0]?.n;
        const deadline = Date.now() + 60_000;
        while ((await scoredCount()) !== 20 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 200));
        const leads = await db.sql.query<{
          status: string;
          suppression_reason: string | null;
          due_at: Date | null;
        }>('SELECT status, suppression_reason, due_at FROM lead WHERE id = ANY($1::uuid[])', [
          [...before, ...after],
        ]);
        const scored = await db.sql.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM lead_history WHERE type = 'scored'",
        );
        expect(scored[0]?.n).toBe(20);
        expect(leads.filter((lead) => lead.status === 'queued' && lead.due_at)).toHaveLength(16);
        expect(leads.filter((lead) => lead.suppression_reason === 'no_consent')).toHaveLength(4);

        // The reporting service's own API: the 16 queued leads are due within the coming days (the
        // business-hours clock may start them at the next window), the 4 suppressed ones are shown apart.
        const from = new Date(Date.now() - 86_400_000).toISOString();
        const to = new Date(Date.now() + 10 * 86_400_000).toISOString();
        const report = async () =>
          (await signedFetch(reporting.ready, key, 'GET', `/v1/reports/sla?from=${from}&to=${to}`)).json as {
            eligible: number;
            suppressed: number;
            open: number;
          };
        let figures = await report();
        while (figures.eligible + figures.suppressed < 20 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          figures = await report();
        }
        expect(figures).toMatchObject({ eligible: 16, suppressed: 4, open: 16 });
        // It takes no events: intake is ingest's.
        const post = await signedFetch(reporting.ready, key, 'POST', '/v1/events', { eventId: 'x' });
        expect(post.status).toBe(404);

        // NPS replies are the surveys service's signed API, alert settings the alerts service's.
        const reply = await signedFetch(surveys.ready, key, 'POST', `/v1/surveys/${randomUUID()}/responses`, {
          score: 9,
        });
        expect(reply.status).toBe(404);
        expect(JSON.stringify(reply.json)).toContain('No such survey for this tenant');
        const settings = await signedFetch(alerts.ready, key, 'GET', '/v1/alerts/settings');
        expect(settings.status).toBe(200);
        expect(Object.keys((settings.json as { campaigns: object }).campaigns)).toContain('cash-loan');
        // The surveys read the same lead-events in a group of their own, and are still running.
        expect(surveys.child.exitCode).toBeNull();

        // The dashboard is the console's: a manager signs in there and sees the report's figures; the
        // same session reads the report from the reporting service, and the reporting service has no
        // dashboard of its own.
        const [tenant] = await db.sql.query<{ id: string }>(
          "SELECT id::text FROM tenant WHERE slug = 'dist'",
        );
        const password = randomBytes(12).toString('base64url');
        await createManager(db.sql, {
          tenantId: tenant?.id as string,
          username: 'dist-manager',
          displayName: 'Dist Manager',
          password,
        });
        const signIn = await fetch(`${consoleService.ready}/manager/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'dist-manager', password }),
        });
        expect(signIn.status).toBe(200);
        const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
        expect(cookie).toMatch(/^pronto_manager=/);
        const period = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
        const snapshot = await fetch(`${consoleService.ready}/manager/snapshot?${period}`, {
          headers: { cookie },
        });
        expect(snapshot.status).toBe(200);
        expect(((await snapshot.json()) as { figures: unknown }).figures).toMatchObject({
          eligible: 16,
          suppressed: 4,
          open: 16,
        });
        const bySession = await fetch(`${reporting.ready}/v1/reports/sla?${period}`, { headers: { cookie } });
        expect(bySession.status).toBe(200);
        expect(await bySession.json()).toMatchObject({ eligible: 16, suppressed: 4, open: 16 });
        expect((await fetch(`${reporting.ready}/manager`)).status).toBe(404);

        // The staffing advice is the dispatcher's (it simulates the dispatcher's own policy): on its
        // own port when it has the master key, to a signed request and to the manager's session.
        const dispatcher = await startService({
          name: 'dispatcher',
          entry: 'services/dispatcher/src/main.ts',
          env: { ...env, PRONTO_MASTER_KEY: masterKey },
          ready: /"url":"(http:\/\/[^"]+)"/,
        });
        services.push(dispatcher);
        const staffing = await signedFetch(dispatcher.ready, key, 'GET', '/v1/staffing?campaign=cash-loan');
        expect(staffing.status).toBe(200);
        expect((staffing.json as { hours: unknown[] }).hours.length).toBeGreaterThanOrEqual(23);
        const staffingBySession = await fetch(
          `${dispatcher.ready}/v1/staffing?campaign=cash-loan&target=0.5`,
          {
            headers: { cookie },
          },
        );
        expect(staffingBySession.status).toBe(200);
        expect((await staffingBySession.json()) as { target: number }).toMatchObject({ target: 0.5 });
        expect((await signedFetch(dispatcher.ready, key, 'GET', '/v1/staffing?campaign=nope')).status).toBe(
          404,
        );
      } finally {
        for (const service of services) await service.stop();
        if (bus === 'pubsub') await deletePubSubProject(pubsubProject);
        await db.close();
        await dropScratchDatabase(databaseUrl);
      }
      // Four processes started one after another, on a busy 2-core machine.
    }, 240_000);
  },
);
