import { createScratchDatabase, dropScratchDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceProcess, startService } from '../support/service-process.ts';

// Separate processes on one database: PostgreSQL only, when DATABASE_URL names one (CI's second pass).
const onPostgres = Boolean(process.env.DATABASE_URL);

/** The health server's line: its URL, once it listens. */
const HEALTH_READY = /"url":"(http:\/\/[^"]+)","serves":"\/healthz","msg":"listening"/;

/**
 * Issue 19: in a container every service answers GET /healthz on PORT for its probes, also those
 * with no other HTTP (scoring, the dialer) and those whose API needs the master key they were not
 * given (dispatcher, reporting, surveys).
 */
describe.runIf(onPostgres)('GET /healthz on the services with no other HTTP (PostgreSQL)', () => {
  let databaseUrl = '';
  const services: { name: string; process: ServiceProcess }[] = [];

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase();
    const env = { DATABASE_URL: databaseUrl, BUS: 'in-process', PRONTO_DB_POOL_SIZE: '2' };
    // One at a time: each applies the migrations when it opens the database.
    for (const name of ['scoring', 'dialer', 'dispatcher', 'reporting', 'surveys']) {
      const started = await startService({
        name,
        entry: `services/${name}/src/main.ts`,
        env: { ...env, PRONTO_MASTER_KEY: '' },
        ready: HEALTH_READY,
      });
      services.push({ name, process: started });
    }
  }, 300_000);

  afterAll(async () => {
    for (const { process } of services) await process.stop();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
  }, 120_000);

  it('answers 200 with the database on each, and nothing else', async () => {
    const answers = await Promise.all(
      services.map(async ({ name, process }) => {
        const response = await fetch(`${process.ready}/healthz`);
        return { name, status: response.status, body: await response.json() };
      }),
    );
    expect(answers).toEqual(
      services.map(({ name }) => ({ name, status: 200, body: { status: 'ok', database: 'postgres' } })),
    );
    for (const { process } of services)
      expect((await fetch(`${process.ready}/v1/staffing`)).status, process.ready).toBe(404);
  });

  it('logs its usual ready line too, and stops with exit code 0 on SIGTERM', async () => {
    const usual: Record<string, RegExp> = {
      scoring: /"msg":"scoring intents"/,
      dialer: /"msg":"dialing"/,
      dispatcher: /"msg":"dispatching leads"/,
      reporting: /"msg":"reporting lead events"/,
      surveys: /"msg":"asking for NPS scores"/,
    };
    for (const { name, process } of services) expect(process.output(), name).toMatch(usual[name] as RegExp);
    const codes = await Promise.all(services.map(({ process }) => process.stop()));
    expect(codes).toEqual(services.map(() => 0));
    for (const { process } of services) await expect(fetch(`${process.ready}/healthz`)).rejects.toThrow();
  });
});
