import { type Bus, createInProcessBus } from '@pronto/bus';
import { createSessions, MANAGER_ROLE } from '@pronto/http';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import {
  DAY,
  DAY_QUERY,
  eventually,
  FIRST_LEAD,
  foldedCount,
  managerSessionAuthenticator,
  playDay,
  type Reporting,
  reportRoutes,
  startReporting,
  writeLead,
} from '@pronto/reporting/testing';
import { REPORTED_EVENTS } from '@pronto/sla';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createManager, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardSnapshot } from './dashboard-snapshot.ts';
import type { DashboardStreams } from './dashboard-stream.ts';
import { registerConsole } from './register-console.ts';

const logger = createLogger({ name: 'manager-test', level: 'silent' });
const PASSWORD = 'correct horse battery';

describe('the manager dashboard', () => {
  let harness: Harness;
  let bus: Bus;
  let reporting: Reporting;
  let streams: DashboardStreams;
  let baseUrl: string;
  let campaignId: string;
  let otherLeadId: string;
  let published = 0;

  const signIn = async (username: string, password = PASSWORD) =>
    harness.app.inject({ method: 'POST', url: '/manager/session', payload: { username, password } });
  const cookieOf = (response: LightMyRequestResponse) => {
    const cookie = response.cookies.find((c) => c.name === 'pronto_manager');
    if (!cookie) throw new Error('no pronto_manager cookie');
    return `pronto_manager=${cookie.value}`;
  };
  const get = (url: string, cookie: string) =>
    harness.app.inject({ method: 'GET', url, headers: { cookie } });
  let acme: string;
  let other: string;

  beforeAll(async () => {
    const db = await openTestDatabase();
    const now = () => new Date(harness.clock.ms);
    const sessions = createSessions({ role: MANAGER_ROLE, sql: db.sql, now });
    harness = await startHarness({
      db,
      deps: {
        signedRoutes: [async (scope) => scope.register(reportRoutes, { sql: db.sql, now })],
        sessionAuthenticator: managerSessionAuthenticator(sessions),
      },
    });
    streams = await registerConsole(harness.app, {
      sql: db.sql,
      sessions,
      logger,
      now,
      refreshMs: 50,
    });
    harness.clock.ms = DAY + 20 * 3_600_000; // 22:00 in Warsaw: every lead of the day is due
    bus = createInProcessBus({ sql: db.sql, logger });
    reporting = await startReporting({ db, bus, logger });
    const [campaign] = await db.sql.query<{ id: string }>(
      `SELECT id::text FROM campaign WHERE tenant_id = $1 AND slug = 'cash-loan'`,
      [harness.tenantId],
    );
    campaignId = campaign?.id as string;
    const messages = await playDay(db, bus, harness.tenantId, campaignId, 100);
    // Another bank, its manager, and one lead of theirs breached the same day.
    const otherTenant = await createTenant(db.prisma, { slug: 'other-bank', name: 'Other Bank' });
    const otherCampaign = await createCampaign(db.prisma, {
      tenantId: otherTenant.id,
      slug: 'other-loan',
      name: 'Other loan',
      timeZone: 'Europe/Warsaw',
    });
    const otherMessages = await writeLead(db.sql, {
      tenantId: otherTenant.id,
      campaignId: otherCampaign.id,
      n: 92,
      anchor: FIRST_LEAD,
    });
    otherLeadId = otherMessages[0]?.payload.leadId as string;
    await bus.publish('lead-events', otherMessages);
    published = [...messages, ...otherMessages].filter((m) => REPORTED_EVENTS.has(m.payload.event)).length;
    await createManager(db.sql, {
      tenantId: harness.tenantId,
      username: 'boss',
      displayName: 'Acme boss',
      password: PASSWORD,
    });
    await createManager(db.sql, {
      tenantId: otherTenant.id,
      username: 'other-boss',
      displayName: 'Other boss',
      password: PASSWORD,
    });
    acme = cookieOf(await signIn('boss'));
    other = cookieOf(await signIn('other-boss'));
    await eventually(async () => (await foldedCount(db.sql)) === published, 'the day is folded');
    baseUrl = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);

  afterAll(async () => {
    await reporting?.stop();
    await bus?.close();
    await harness?.close();
  });

  it('signs a manager in and out with an httpOnly, same-site cookie; a wrong password is a 401 problem', async () => {
    const wrong = await signIn('boss', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.json()).toMatchObject({ type: '/problems/sign-in-failed', status: 401 });
    expect(wrong.cookies).toEqual([]);
    expect((await signIn('nobody')).json()).toEqual({ ...wrong.json(), instance: '/manager/session' });
    const missing = await harness.app.inject({ method: 'POST', url: '/manager/session', payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().errors)).toContain('username');

    const signedIn = await signIn('boss');
    expect(signedIn.json()).toEqual({
      manager: { username: 'boss', displayName: 'Acme boss', role: 'manager' },
    });
    const cookie = signedIn.cookies[0];
    expect(cookie).toMatchObject({ name: 'pronto_manager', path: '/', httpOnly: true, sameSite: 'Strict' });
    expect((await get('/manager/session', cookieOf(signedIn))).json().manager.displayName).toBe('Acme boss');
    const out = await harness.app.inject({
      method: 'DELETE',
      url: '/manager/session',
      headers: { cookie: cookieOf(signedIn) },
    });
    expect(out.statusCode).toBe(204);
    const after = await get('/manager/session', cookieOf(signedIn));
    expect(after.statusCode).toBe(401);
    expect(after.json().type).toBe('/problems/not-signed-in');
  });

  it('reads GET /v1/reports/sla with a session, of its own tenant only; never takes an event with one', async () => {
    const signed = (await harness.send('GET', `/v1/reports/sla?${DAY_QUERY}`)).json();
    const mine = await get(`/v1/reports/sla?${DAY_QUERY}`, acme);
    expect(mine.statusCode).toBe(200);
    expect({ ...mine.json(), generatedAt: 0 }).toEqual({ ...signed, generatedAt: 0 });
    expect(mine.json()).toMatchObject({ eligible: 98, met: 91, breached: 7, suppressed: 2 });
    const theirs = (await get(`/v1/reports/sla?${DAY_QUERY}&groupBy=campaign`, other)).json();
    expect(theirs).toMatchObject({ eligible: 1, met: 0, breached: 1 });
    expect(theirs.slices.map((slice: { key: string }) => slice.key)).toEqual(['other-loan']);
    const csv = await get(`/v1/reports/sla.csv?${DAY_QUERY}`, other);
    expect(csv.body.trim().split('\r\n')).toHaveLength(2);

    expect((await get(`/v1/reports/sla?${DAY_QUERY}`, 'pronto_manager=forged')).statusCode).toBe(401);
    const event = await harness.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { cookie: acme, 'content-type': 'application/json' },
      payload: JSON.stringify({ eventId: 'by-cookie' }),
    });
    expect(event.statusCode).toBe(401);
    // Nor any signed read other than the reports.
    expect((await get(`/v1/leads/${otherLeadId}`, other)).statusCode).toBe(401);
  });

  it('shows the scripted day as the API counts it, with every breach, its reason and its history', async () => {
    const response = await get(`/manager/snapshot?${DAY_QUERY}`, acme);
    expect(response.statusCode).toBe(200);
    const snapshot: DashboardSnapshot = response.json();
    const api = (await harness.send('GET', `/v1/reports/sla?${DAY_QUERY}`)).json();
    const { from, to, campaign, groupBy, generatedAt, slices, ...figures } = api;
    expect(snapshot.figures).toEqual(figures);
    expect(snapshot.figures).toMatchObject({ eligible: 98, met: 91, breached: 7, open: 0, suppressed: 2 });
    expect(snapshot.breaches).toHaveLength(7);
    expect(snapshot.breaches.filter((b) => b.reason === 'no_answer_all_attempts')).toHaveLength(4);
    expect(snapshot.breaches.filter((b) => b.reason === 'no_agent_available')).toHaveLength(3);
    // 100 leads 5 minutes apart from 08:00 local: twelve an hour, the first hour all met.
    expect(snapshot.hours[0]).toEqual({ hour: 8, eligible: 12, met: 12, attainment: 1 });
    expect(snapshot.speedToLead.counts.reduce((a, b) => a + b, 0) + snapshot.speedToLead.over).toBe(98);
    expect(snapshot.campaigns).toEqual(['cash-loan']);
    expect(snapshot.groups).toEqual(['backup', 'sales']);

    const sales = (await get(`/manager/snapshot?${DAY_QUERY}&group=sales`, acme)).json();
    expect(sales.figures.eligible).toBe(49);
    const bad = await get('/manager/snapshot?from=2026-03-31&to=2026-03-30', acme);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'to' })]);

    const breach = snapshot.breaches[0]?.leadId as string;
    const history = await get(`/manager/leads/${breach}`, acme);
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('breached (');
    expect(history.body).toContain('queued');
    expect((await get(`/manager/leads/${otherLeadId}`, acme)).statusCode).toBe(404);
    expect((await get(`/manager/leads/${breach}`, other)).statusCode).toBe(404);
    expect((await get(`/manager/leads/${breach}`, '')).statusCode).toBe(401);
  });

  it('sends a new snapshot down the stream once a new lead event is folded, and stops when the page leaves or signs out', async () => {
    const abort = new AbortController();
    const response = await fetch(`${baseUrl}/manager/stream?${DAY_QUERY}`, {
      headers: { cookie: acme },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const snapshots = readSnapshots(response.body as ReadableStream<Uint8Array>);
    expect((await snapshots.next()).value?.figures).toMatchObject({ eligible: 98, met: 91 });

    // One more lead that day, contacted in time.
    const more = await writeLead(harness.db.sql, {
      tenantId: harness.tenantId,
      campaignId,
      n: 0,
      anchor: FIRST_LEAD + 100 * 5 * 60_000,
      phone: '+48609999999',
    });
    await bus.publish('lead-events', more);
    // The queue, then each fact as it is folded, each a new snapshot; the last one counts the lead as met.
    let latest: DashboardSnapshot | undefined;
    for await (const snapshot of snapshots) {
      latest = snapshot;
      if (snapshot.figures.eligible === 99 && snapshot.figures.breached === 7) break;
    }
    expect(latest?.figures).toMatchObject({ eligible: 99, met: 92, breached: 7 });

    abort.abort();
    await eventually(async () => streams.watched() === 0, 'the stream is forgotten');

    // Signing out ends the session's streams: the page sees no more figures.
    const session = cookieOf(await signIn('boss'));
    const second = await fetch(`${baseUrl}/manager/stream?${DAY_QUERY}`, { headers: { cookie: session } });
    const rest = readSnapshots(second.body as ReadableStream<Uint8Array>);
    expect((await rest.next()).value?.figures.eligible).toBe(99);
    const out = await harness.app.inject({
      method: 'DELETE',
      url: '/manager/session',
      headers: { cookie: session },
    });
    expect(out.statusCode).toBe(204);
    for await (const snapshot of rest) expect(snapshot.figures.eligible).toBe(99);
    await eventually(async () => streams.watched() === 0, 'the signed-out stream is forgotten');
  });
  it('shows why agents are paused, so a manager sees who the dispatcher paused for missed leads', async () => {
    await harness.db.prisma.agent.create({
      data: {
        tenantId: harness.tenantId,
        username: 'dnd-phone',
        displayName: 'DND phone',
        passwordHash: 'not-used',
        groups: ['sales'],
        state: 'paused',
        pauseReason: 'missed_offers',
        stateSince: new Date(harness.clock.ms),
      },
    });
    const snapshot: DashboardSnapshot = (await get(`/manager/snapshot?${DAY_QUERY}`, acme)).json();
    expect(snapshot.operations.pausedFor.missed_offers).toBe(1);
    expect(snapshot.operations.agents.paused).toBeGreaterThanOrEqual(1);
  });
});

/** The snapshots of a text/event-stream body, in order. */
async function* readSnapshots(body: ReadableStream<Uint8Array>): AsyncGenerator<DashboardSnapshot> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (block.includes('event: snapshot') && data) yield JSON.parse(data);
      end = buffer.indexOf('\n\n');
    }
  }
}
