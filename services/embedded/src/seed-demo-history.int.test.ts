import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StaffingAnswer, staffingSignedRoutes } from '@pronto/dispatcher';
import { buildApp } from '@pronto/ingest';
import { signatureHeaders } from '@pronto/signature';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createSecretBox, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from './seed-demo.ts';
import { seedDemoHistory } from './seed-demo-history.ts';

/** Tuesday 8 December 2026, 11:00 in Warsaw: the demo's first start. */
const NOW = new Date('2026-12-08T10:00:00Z');
const ZONE = 'Europe/Warsaw';

describe("the demo's past leads", () => {
  const box = createSecretBox(randomBytes(32));
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let dataDir: string;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  let app: FastifyInstance;
  let seeded = 0;
  let seedMs = 0;

  beforeAll(async () => {
    db = await openTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'pronto-demo-history-'));
    demo = await seedDemo(db.prisma, box, { dataDir });
    const started = performance.now();
    seeded = (await seedDemoHistory(db.sql, { tenantId: demo.tenantId, now: NOW })).leads;
    seedMs = performance.now() - started;
    app = await buildApp({
      db,
      secretBox: box,
      logger: createLogger({ name: 'demo-history-test', level: 'silent' }),
      now: () => NOW,
      signedRoutes: staffingSignedRoutes({ sql: db.sql, now: () => NOW }),
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const leadsBy = async (part: 'isodow' | 'hour') =>
    new Map(
      (
        await db.sql.query<{ key: number; leads: number }>(
          `SELECT extract(${part} FROM received_at AT TIME ZONE $2)::int AS key, count(*)::int AS leads
             FROM lead WHERE tenant_id = $1 GROUP BY 1`,
          [demo.tenantId, ZONE],
        )
      ).map((row) => [row.key, row.leads]),
    );

  it('gives the demo campaign four weeks of about 400 leads a working day, quickly, once', async () => {
    expect(seeded).toBeGreaterThan(28 * 300);
    expect(seeded).toBeLessThan(28 * 420);
    expect(seedMs).toBeLessThan(10_000);
    const [span] = await db.sql.query<{ first: Date; last: Date }>(
      'SELECT min(received_at) AS first, max(received_at) AS last FROM lead WHERE tenant_id = $1',
      [demo.tenantId],
    );
    // From midnight in Warsaw four weeks before, to the last midnight (winter time: UTC+1).
    expect(new Date(span?.first as Date).getTime()).toBeGreaterThanOrEqual(
      Date.parse('2026-11-09T23:00:00Z'),
    );
    expect(new Date(span?.first as Date).getTime()).toBeLessThan(Date.parse('2026-11-10T00:00:00Z'));
    expect(new Date(span?.last as Date).getTime()).toBeLessThan(Date.parse('2026-12-07T23:00:00Z'));
    // A second start finds the history and adds nothing.
    expect(await seedDemoHistory(db.sql, { tenantId: demo.tenantId, now: NOW })).toEqual({ leads: 0 });
    // The same history again on another database's first start (here: another tenant's demo-like campaign).
    const twin = await createTenant(db.prisma, { slug: 'twin', name: 'Twin Bank' });
    await createCampaign(db.prisma, { tenantId: twin.id, slug: DEMO.campaign, name: 'Twin', timeZone: ZONE });
    expect(await seedDemoHistory(db.sql, { tenantId: twin.id, now: NOW })).toEqual({ leads: seeded });
    const offsets = async (tenantId: string) =>
      (
        await db.sql.query<{ at: string }>(
          'SELECT received_at::text AS at FROM lead WHERE tenant_id = $1 ORDER BY received_at',
          [tenantId],
        )
      ).map((row) => row.at);
    expect(await offsets(twin.id)).toEqual(await offsets(demo.tenantId));
    await db.sql.query('DELETE FROM lead WHERE tenant_id = $1', [twin.id]);
  });

  it('looks like a day of web leads: busier on working days, peaks mid-morning and early evening, quiet at night', async () => {
    const byDay = await leadsBy('isodow');
    const working = [1, 2, 3, 4, 5].map((day) => byDay.get(day) ?? 0);
    const weekend = [6, 7].map((day) => byDay.get(day) ?? 0);
    expect(Math.min(...working)).toBeGreaterThan(Math.max(...weekend));
    const byHour = await leadsBy('hour');
    const at = (hour: number) => byHour.get(hour) ?? 0;
    expect(at(10)).toBeGreaterThan(at(13));
    expect(at(18)).toBeGreaterThan(at(13));
    expect(at(3) * 10).toBeLessThan(at(10));
  });

  it('leaves nothing for the dispatcher, scoring or reports to take up, and no number an event could carry', async () => {
    const [row] = await db.sql.query<{ open: number; other: number; phones: number }>(
      `SELECT count(*) FILTER (WHERE closed_at IS NULL)::int AS open,
              count(*) FILTER (WHERE status <> 'dispositioned' OR score IS NULL)::int AS other,
              count(*) FILTER (WHERE phone_e164 !~ '^\\+480[0-9]{8}$')::int AS phones
         FROM lead WHERE tenant_id = $1`,
      [demo.tenantId],
    );
    expect(row).toEqual({ open: 0, other: 0, phones: 0 });
    const [history] = await db.sql.query<{ facts: number }>(
      'SELECT count(*)::int AS facts FROM lead_history',
    );
    expect(history?.facts).toBe(0);
  });

  it('gives the staffing advice a forecast for every hour of the demo campaign at once', async () => {
    const path = `/v1/staffing?campaign=${DEMO.campaign}`;
    const response = await app.inject({
      method: 'GET',
      url: path,
      headers: signatureHeaders(demo.keyId, demo.secret, {
        timestamp: Math.floor(NOW.getTime() / 1000),
        method: 'GET',
        pathWithQuery: path,
        body: '',
      }),
    });
    expect(response.statusCode, response.body).toBe(200);
    const advice = response.json() as StaffingAnswer;
    expect(advice).toMatchObject({ date: '2026-12-08', arrivalsSource: 'history', weeks: 4 });
    expect(advice.hours).toHaveLength(24);
    const hour = (n: number) => advice.hours[n];
    expect(hour(10)?.forecastArrivals).toBeGreaterThan(20);
    expect(hour(10)?.forecastArrivals).toBeGreaterThan(hour(3)?.forecastArrivals ?? 0);
    expect(hour(10)?.erlangAgents).toBeGreaterThan(0);
    expect(hour(10)?.simulatedAgents).toBeGreaterThanOrEqual(hour(3)?.simulatedAgents ?? 0);
    expect(advice.totals.forecastArrivals).toBeGreaterThan(300);
  }, 30_000);
});
