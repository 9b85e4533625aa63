import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaBroker } from '@pronto/bus/testing';
import { type Database, openDatabase } from '@pronto/db';
import { createScratchDatabase, dropScratchDatabase, freePort } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { seedTenant } from '../support/seed-tenant.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

// Separate processes share one database, so this runs on PostgreSQL only: when DATABASE_URL names
// one (CI's second pass). On the embedded database there is nothing to run it on.
const onPostgres = Boolean(process.env.DATABASE_URL);

const key = { keyId: 'start-key', secret: `prs_${randomBytes(24).toString('base64url')}` };
const masterKey = randomBytes(32).toString('base64');

/** Every service of the distributed run: its entry point, what it logs once ready, what else it needs. */
const SERVICES = [
  { name: 'ingest', ready: /"url":"(http:\/\/[^"]+)"/, env: { PRONTO_MASTER_KEY: masterKey } },
  { name: 'scoring', ready: /scoring intents/, env: {} },
  { name: 'dispatcher', ready: /dispatching leads/, env: {} },
  { name: 'agent-gateway', ready: /"url":"(http:\/\/[^"]+)"/, env: {} },
  { name: 'dialer', ready: /"msg":"dialing"/, env: {} },
  { name: 'reporting', ready: /"url":"(http:\/\/[^"]+)"/, env: { PRONTO_MASTER_KEY: masterKey } },
  { name: 'console', ready: /"url":"(http:\/\/[^"]+)"/, env: { PRONTO_MASTER_KEY: masterKey } },
  { name: 'surveys', ready: /"url":"(http:\/\/[^"]+)"/, env: { PRONTO_MASTER_KEY: masterKey } },
  { name: 'alerts', ready: /"url":"(http:\/\/[^"]+)"/, env: { PRONTO_MASTER_KEY: masterKey } },
] as const;

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const PUBSUB_EMULATOR = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

/** A Pub/Sub emulator of this test's own on `port`, in its own process group; the returned function stops it. */
function startPubSubEmulator(port: number): () => void {
  const child = spawn(PUBSUB_EMULATOR, ['--host=127.0.0.1', `--port=${port}`], {
    detached: true,
    stdio: 'ignore',
  });
  const stop = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', stop);
  return stop;
}

/**
 * Issue 15, item 4: started all at once on a fresh Kafka, services exited at start
 * (UNKNOWN_TOPIC_OR_PARTITION, REQUEST_TIMED_OUT). Here all of them start at the same moment as a
 * broker of their own that is not up yet and has no topics: each waits for it (alerts take nothing
 * from the bus), none exits, and a signed event goes through to a queued lead.
 */
describe.runIf(onPostgres)('every service started at once (PostgreSQL)', () => {
  it('on a fresh Kafka that is still starting: all of them wait for it, none exits, an event is queued', async () => {
    const databaseUrl = await createScratchDatabase();
    const db: Database = await openDatabase({ url: databaseUrl });
    const broker = await startKafkaBroker();
    const services: ServiceProcess[] = [];
    try {
      await seedTenant(db, { slug: 'at-once', key, masterKey: Buffer.from(masterKey, 'base64') });
      const env = {
        DATABASE_URL: databaseUrl,
        BUS: 'kafka',
        KAFKA_BROKERS: broker.brokers,
        PRONTO_DB_POOL_SIZE: '3',
        PRONTO_START_TIMEOUT_SECONDS: '120',
      };
      const started = await Promise.allSettled(
        SERVICES.map((service) =>
          startService({
            name: service.name,
            entry: `services/${service.name}/src/main.ts`,
            env: { ...env, ...service.env },
            ready: service.ready,
            timeoutMs: 150_000,
          }),
        ),
      );
      for (const result of started) if (result.status === 'fulfilled') services.push(result.value);
      const failures = started.flatMap((result) =>
        result.status === 'rejected' ? [String(result.reason)] : [],
      );
      expect(failures).toEqual([]);
      await broker.ready;
      const [ingest] = services;
      if (!ingest) throw new Error('ingest did not start');

      const response = await signedFetch(ingest.ready, key, 'POST', '/v1/events', {
        eventId: 'at-once-1',
        type: 'offer_check',
        occurredAt: new Date().toISOString(),
        campaign: 'cash-loan',
        person: { phone: '+48 601 234 567' },
        consent: { phoneContact: true },
        offer: { product: 'cash_loan', amount: 5000, eligibility: 'checked' },
      });
      expect(response.status).toBe(202);
      const { leadId } = response.json as { leadId: string };
      const status = async () =>
        (await db.sql.query<{ status: string }>('SELECT status FROM lead WHERE id = $1', [leadId]))[0]
          ?.status;
      await until('the lead is scored and queued', async () => (await status()) === 'queued', 60_000);
      const scored = await db.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM lead_history WHERE lead_id = $1 AND type = 'scored'",
        [leadId],
      );
      expect(scored[0]?.n).toBe(1);
      // The dashboard's page is the console's.
      const consoleService = services[SERVICES.findIndex((service) => service.name === 'console')];
      expect((await fetch(`${consoleService?.ready}/manager`)).status).toBe(200);

      // None of them exited meanwhile.
      const exited = services
        .filter((service) => service.child.exitCode !== null || service.child.signalCode !== null)
        .map((service) => service.child.spawnargs.at(-1));
      expect(exited).toEqual([]);
    } finally {
      for (const service of services) await service.stop();
      await broker.stop();
      await db.close();
      await dropScratchDatabase(databaseUrl);
    }
  }, 300_000);

  it('on Pub/Sub: a service started before the emulator says it waits for it, then starts once it is up', async () => {
    const databaseUrl = await createScratchDatabase();
    const port = await freePort();
    let service: ServiceProcess | undefined;
    let stopEmulator: (() => void) | undefined;
    try {
      service = await startService({
        name: 'scoring',
        entry: 'services/scoring/src/main.ts',
        env: {
          DATABASE_URL: databaseUrl,
          BUS: 'pubsub',
          PUBSUB_EMULATOR_HOST: `127.0.0.1:${port}`,
          PUBSUB_PROJECT: `pronto-start-${randomUUID().slice(0, 8)}`,
          PRONTO_START_TIMEOUT_SECONDS: '120',
        },
        // Ready for this test once it says what it waits for: only then does the emulator start.
        ready:
          /"waitingFor":"the bus \(pubsub\)","attempt":1,"waitedSeconds":5,"msg":"still waiting for the bus \(pubsub\)"/,
      });
      stopEmulator = startPubSubEmulator(port);
      const running = service;
      await until(
        'scoring starts on the emulator',
        async () => /scoring intents/.test(running.output()),
        90_000,
      );
      expect(service.child.exitCode).toBeNull();
    } finally {
      await service?.stop();
      stopEmulator?.();
      await dropScratchDatabase(databaseUrl);
    }
  }, 180_000);

  it('with nothing listening at DATABASE_URL: each says it waits for PostgreSQL and exits 1 after the bound', async () => {
    const port = await freePort();
    const bound = 2;
    const dataDir = mkdtempSync(join(tmpdir(), 'pronto-start-'));
    // Every service, and `npm start` on PostgreSQL: the one process, whose program name is pronto.
    const processes = [
      ...SERVICES.map((service) => ({
        ...service,
        program: service.name,
        entry: `services/${service.name}/src/main.ts`,
      })),
      {
        name: 'embedded',
        program: 'pronto',
        entry: 'services/embedded/src/main.ts',
        ready: /"msg":"listening"/,
        env: { PRONTO_DATA_DIR: dataDir, PRONTO_DEMO_BOTS: '0' },
      },
    ];
    const results = await Promise.all(
      processes.map(async (service) => {
        const startedAt = Date.now();
        const error = await startService({
          name: service.name,
          entry: service.entry,
          env: {
            DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/pronto`,
            BUS: 'kafka',
            KAFKA_BROKERS: '127.0.0.1:9',
            PRONTO_START_TIMEOUT_SECONDS: String(bound),
            ...service.env,
          },
          ready: service.ready,
          timeoutMs: 90_000,
        }).then(
          async (started) => {
            await started.stop();
            return new Error(`${service.name} started although nothing listens at DATABASE_URL`);
          },
          (failure: unknown) => failure as Error,
        );
        return {
          name: service.name,
          program: service.program,
          message: error.message,
          ms: Date.now() - startedAt,
        };
      }),
    );
    for (const result of results) {
      expect(result.message, result.name).toMatch(/exited with 1 before it was ready/);
      // Each attempt is logged, with what it waits for and its number.
      expect(result.message, result.name).toContain('"waitingFor":"PostgreSQL","attempt":1,');
      expect(result.message, result.name).toContain('"waitingFor":"PostgreSQL","attempt":2,');
      expect(result.message, result.name).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(result.message, result.name).toMatch(
        new RegExp(
          `\n${result.program}: gave up waiting for PostgreSQL after ${bound} s and \\d+ attempts: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(PRONTO_START_TIMEOUT_SECONDS=${bound}\\)`,
        ),
      );
      // Not before the bound.
      expect(result.ms, result.name).toBeGreaterThanOrEqual(bound * 1_000);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
