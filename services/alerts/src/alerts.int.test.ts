import { randomUUID } from 'node:crypto';
import { verifyWebhook } from '@pronto/client';
import type { Problem } from '@pronto/contracts';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { applyFact } from '@pronto/reporting/testing';
import { signatureHeaders } from '@pronto/signature';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant, issueApiKey } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSettings } from './alert-settings.ts';
import { alertSettingsRoutes } from './alert-settings-routes.ts';
import { GIVE_UP_AFTER_MS, RETRY_DELAYS_S } from './retry-schedule.ts';
import { type Alerts, startAlerts } from './start-alerts.ts';
import { BREACH_SETTLE_MS } from './sweep-breaches.ts';
import {
  type ReceivedAlert,
  startTestWebhookReceiver,
  type TestWebhookReceiver,
} from './test-webhook-receiver.ts';

const logger = createLogger({ name: 'alerts-test', level: 'silent' });
const MINUTE = 60_000;

interface Tenant {
  slug: string;
  tenantId: string;
  campaignId: string;
  keyId: string;
  secret: string;
}

describe('breach alerts', () => {
  let harness: Harness;
  let receiver: TestWebhookReceiver;
  let alerts: Alerts;

  const now = () => new Date(harness.clock.ms);
  const to = (path: string) => receiver.to(path);

  beforeAll(async () => {
    const db = await openTestDatabase();
    harness = await startHarness({
      db,
      deps: { signedRoutes: [async (scope) => scope.register(alertSettingsRoutes, { sql: db.sql, now })] },
    });
    receiver = await startTestWebhookReceiver(() => harness.clock.ms);
    alerts = startAlerts({ db, secretBox: harness.box, logger, now, intervalMs: 0 });
  });
  afterAll(async () => {
    await alerts?.stop();
    await receiver?.close();
    await harness?.close();
  });

  /** PUT /v1/alerts/settings, signed with the key given (default: the harness tenant acme's). */
  async function put(body: unknown, keyId = harness.keyId, secret = harness.secret) {
    const payload = JSON.stringify(body);
    return harness.app.inject({
      method: 'PUT',
      url: '/v1/alerts/settings',
      headers: {
        'content-type': 'application/json',
        ...signatureHeaders(keyId, secret, {
          timestamp: Math.floor(harness.clock.ms / 1000),
          method: 'PUT',
          pathWithQuery: '/v1/alerts/settings',
          body: payload,
        }),
      },
      payload,
    });
  }

  /** A tenant with campaign cash-loan whose webhook is set, through the settings API, to /<slug>. */
  async function tenantWithWebhook(slug: string, campaigns: Record<string, unknown> = {}): Promise<Tenant> {
    const tenant = await createTenant(harness.db.prisma, { slug, name: slug });
    const campaign = await createCampaign(harness.db.prisma, {
      tenantId: tenant.id,
      slug: 'cash-loan',
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
    });
    const { keyId, secret } = await issueApiKey(harness.db.prisma, harness.box, {
      tenantId: tenant.id,
      keyId: `${slug}-key`,
    });
    const response = await put({ webhookUrl: `${receiver.url}/${slug}`, campaigns }, keyId, secret);
    expect(response.statusCode).toBe(200);
    return { slug, tenantId: tenant.id, campaignId: campaign.id, keyId, secret };
  }

  /** A lead as reporting folds it: queued with a five-minute SLA, then what the options say. */
  async function lead(
    tenant: Tenant,
    dueMs: number,
    options: { dialAtMs?: number; outcome?: string; contactedAtMs?: number } = {},
  ): Promise<string> {
    const leadId = randomUUID();
    const fact = (event: string, atMs: number, detail: Record<string, unknown>) =>
      applyFact(harness.db.sql, {
        leadId,
        tenantId: tenant.tenantId,
        campaignId: tenant.campaignId,
        event,
        at: new Date(atMs),
        detail,
      });
    const anchor = dueMs - 5 * MINUTE;
    await fact('queued', anchor, {
      zone: 'Europe/Warsaw',
      anchorAt: new Date(anchor).toISOString(),
      dueAt: new Date(dueMs).toISOString(),
    });
    if (options.dialAtMs !== undefined) {
      await fact('dialing', options.dialAtMs, { attemptId: `${leadId}-1`, agentId: 'agent-1' });
      if (options.contactedAtMs !== undefined)
        await fact('contacted', options.contactedAtMs, {
          attemptId: `${leadId}-1`,
          at: new Date(options.contactedAtMs).toISOString(),
        });
      if (options.outcome)
        await fact('call_ended', options.dialAtMs + 30_000, {
          attemptId: `${leadId}-1`,
          outcome: options.outcome,
        });
    }
    return leadId;
  }

  const verify = (request: ReceivedAlert, secret: string) =>
    verifyWebhook({
      secret,
      headers: request.headers,
      body: request.body,
      path: request.path,
      nowMs: request.atMs,
    });

  describe('GET and PUT /v1/alerts/settings', () => {
    const fields = (response: { json(): unknown }) =>
      ((response.json() as Problem).errors ?? []).map((error) => error.field).sort();

    it('lists every campaign with alerts off until the tenant sets them', async () => {
      const response = await harness.send('GET', '/v1/alerts/settings');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        webhookUrl: null,
        keyId: null,
        enabled: false,
        since: null,
        campaigns: { 'cash-loan': { attainmentBelow: null, minEligible: 5, below: false } },
      });
    });

    it('saves the webhook, signed with the key that set it, and a campaign threshold', async () => {
      const response = await put({
        webhookUrl: 'https://bank.example/pronto/alerts?team=sales',
        campaigns: { 'cash-loan': { attainmentBelow: 0.9, minEligible: 8 } },
      });
      expect(response.statusCode).toBe(200);
      const saved = response.json() as AlertSettings;
      expect(saved).toMatchObject({
        webhookUrl: 'https://bank.example/pronto/alerts?team=sales',
        keyId: 'acme-key',
        enabled: true,
        since: new Date(harness.clock.ms).toISOString(),
        campaigns: { 'cash-loan': { attainmentBelow: 0.9, minEligible: 8 } },
      });
      expect((await harness.send('GET', '/v1/alerts/settings')).json()).toEqual(saved);

      // Another key of the tenant takes over signing; a campaign not named keeps its threshold.
      const other = await issueApiKey(harness.db.prisma, harness.box, {
        tenantId: harness.tenantId,
        keyId: 'acme-alerts',
      });
      harness.clock.ms += 60_000;
      const moved = await put({ webhookUrl: 'http://127.0.0.1:8099/alerts' }, other.keyId, other.secret);
      expect(moved.json()).toMatchObject({
        webhookUrl: 'http://127.0.0.1:8099/alerts',
        keyId: 'acme-alerts',
        since: saved.since,
        campaigns: { 'cash-loan': { attainmentBelow: 0.9, minEligible: 8 } },
      });
    });

    it('refuses a captured PUT sent again (409 replayed-request): an old webhook cannot be set back', async () => {
      harness.clock.ms += 60_000;
      const payload = JSON.stringify({ webhookUrl: 'https://bank.example/old-hook' });
      const captured = {
        method: 'PUT' as const,
        url: '/v1/alerts/settings',
        headers: {
          'content-type': 'application/json',
          ...signatureHeaders(harness.keyId, harness.secret, {
            timestamp: Math.floor(harness.clock.ms / 1000),
            method: 'PUT',
            pathWithQuery: '/v1/alerts/settings',
            body: payload,
          }),
        },
        payload,
      };
      expect((await harness.app.inject(captured)).statusCode).toBe(200);
      harness.clock.ms += 60_000;
      const current = (await put({ webhookUrl: 'https://bank.example/new-hook' })).json();
      const replayed = await harness.app.inject(captured);
      expect(replayed.statusCode).toBe(409);
      expect(replayed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(replayed.json()).toMatchObject({ type: '/problems/replayed-request' });
      expect((await harness.send('GET', '/v1/alerts/settings')).json()).toEqual(current);
    });

    it('answers 400 problem+json naming each bad field, and changes nothing', async () => {
      const before = (await harness.send('GET', '/v1/alerts/settings')).json();
      const http = await put({ webhookUrl: 'http://bank.example/alerts' });
      expect(http.statusCode).toBe(400);
      expect(http.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fields(http)).toEqual(['webhookUrl']);
      expect((http.json() as Problem).errors?.[0]?.detail).toMatch(/https/);

      const unknown = await put({
        webhookUrl: 'not a url',
        campaigns: { 'car-loan': { attainmentBelow: 0.9 } },
      });
      expect(unknown.statusCode).toBe(400);
      expect(fields(unknown)).toEqual(['campaigns.car-loan', 'webhookUrl']);

      const range = await put({
        webhookUrl: 'https://bank.example/alerts',
        campaigns: { 'cash-loan': { attainmentBelow: 1.5, minEligible: 0 } },
      });
      expect(range.statusCode).toBe(400);
      expect(fields(range)).toEqual([
        'campaigns.cash-loan.attainmentBelow',
        'campaigns.cash-loan.minEligible',
      ]);

      const missing = await put({ campaigns: {} });
      expect(fields(missing)).toEqual(['webhookUrl']);
      expect((await harness.send('GET', '/v1/alerts/settings')).json()).toEqual(before);
    });

    it('refuses an unsigned call, and a null URL removes the webhook', async () => {
      const unsigned = await harness.app.inject({ method: 'GET', url: '/v1/alerts/settings' });
      expect(unsigned.statusCode).toBe(401);
      const removed = await put({ webhookUrl: null, campaigns: { 'cash-loan': { attainmentBelow: null } } });
      expect(removed.statusCode).toBe(200);
      expect(removed.json()).toMatchObject({
        webhookUrl: null,
        enabled: false,
        campaigns: { 'cash-loan': { attainmentBelow: null, minEligible: 8 } },
      });
    });
  });

  it("sends one signed alert, with its reason, per breached lead; none for a lead contacted in time, and none to another tenant's URL", async () => {
    const north = await tenantWithWebhook('north');
    const south = await tenantWithWebhook('south');
    const t0 = harness.clock.ms;
    const before = await lead(north, t0 - MINUTE); // due before the webhook was set: not alerted
    const unanswered = await lead(north, t0 + MINUTE, { dialAtMs: t0, outcome: 'no_answer' });
    await lead(north, t0 + MINUTE, { dialAtMs: t0, contactedAtMs: t0 + 20_000, outcome: 'contacted' });
    const late = await lead(north, t0 + 2 * MINUTE, {
      dialAtMs: t0 + 3 * MINUTE,
      contactedAtMs: t0 + 3 * MINUTE,
    });
    const southern = await lead(south, t0 + MINUTE);

    harness.clock.ms = t0 + MINUTE + BREACH_SETTLE_MS - 1_000;
    expect(await alerts.sweepOnce(now())).toBe(0); // a contact may still be on its way
    harness.clock.ms = t0 + 3 * MINUTE + BREACH_SETTLE_MS;
    expect(await alerts.sweepOnce(now())).toBe(3);
    // A second sender at the same moment (another instance) takes nothing the first one took.
    const [first, second] = await Promise.all([alerts.sendOnce(now()), alerts.sendOnce(now())]);
    expect((first?.delivered ?? 0) + (second?.delivered ?? 0)).toBe(3);
    expect(await alerts.sweepOnce(now())).toBe(0);
    harness.clock.ms += 3_600_000;
    await alerts.sweepOnce(now());
    await alerts.sendOnce(now());

    const northern = to('/north');
    expect(
      northern.map((request) => request.alert.type === 'lead.breached' && request.alert.leadId).sort(),
    ).toEqual([unanswered, late].sort());
    expect(northern.some((request) => JSON.stringify(request.alert).includes(before))).toBe(false);
    const alert = northern.find((request) => request.body.includes(unanswered)) as ReceivedAlert;
    expect(verify(alert, north.secret)).toEqual({ ok: true, keyId: 'north-key', alertId: alert.alert.id });
    expect(alert.body.startsWith(`{"type":"lead.breached","id":"${alert.alert.id}",`)).toBe(true);
    expect(alert.alert).toEqual({
      type: 'lead.breached',
      id: alert.headers['pronto-alert-id'],
      occurredAt: new Date(t0 + MINUTE).toISOString(),
      tenant: 'north',
      campaign: 'cash-loan',
      leadId: unanswered,
      dueAt: new Date(t0 + MINUTE).toISOString(),
      reason: 'no_answer_all_attempts',
      attempts: 1,
      detail: expect.stringMatching(/no call was answered/),
    });
    expect(northern.find((request) => request.body.includes(late))?.alert).toMatchObject({
      reason: 'no_agent_available',
      attempts: 0,
    });

    const southern_ = to('/south');
    expect(
      southern_.map((request) => request.alert.type === 'lead.breached' && request.alert.leadId),
    ).toEqual([southern]);
    expect(verify(southern_[0] as ReceivedAlert, south.secret).ok).toBe(true);
    // Signed with south's key: north's secret does not verify it.
    expect(verify(southern_[0] as ReceivedAlert, north.secret)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('retries a failed delivery after 10 s and 30 s with the same alert id, then stops once answered 2xx', async () => {
    const tenant = await tenantWithWebhook('flaky');
    receiver.answers.set('/flaky', [500, 500, 200]);
    const t0 = harness.clock.ms;
    await lead(tenant, t0 + MINUTE);
    harness.clock.ms = t0 + MINUTE + BREACH_SETTLE_MS;
    expect(await alerts.sweepOnce(now())).toBe(1);
    const sent = harness.clock.ms;
    for (const offset of [0, 9_000, 10_000, 39_000, 40_000, 3_600_000, 86_400_000]) {
      harness.clock.ms = sent + offset;
      await alerts.sendOnce(now());
    }
    const flaky = to('/flaky');
    expect(flaky.map((request) => request.status)).toEqual([500, 500, 200]);
    expect(new Set(flaky.map((request) => request.headers['pronto-alert-id'])).size).toBe(1);
    // The very same bytes each time: the receiver can hash or store them as they came.
    expect(new Set(flaky.map((request) => request.body)).size).toBe(1);
    expect(flaky.map((request) => Number(request.headers['pronto-timestamp']) * 1000 - sent)).toEqual([
      0, 10_000, 40_000,
    ]);
    const [row] = await harness.db.sql.query<{ attempts: number; delivered_at: Date; last_status: number }>(
      `SELECT attempts, delivered_at, last_status FROM alert_delivery WHERE id = $1`,
      [flaky[0]?.headers['pronto-alert-id']],
    );
    expect(row).toMatchObject({ attempts: 3, last_status: 200, delivered_at: new Date(sent + 40_000) });
  });

  it('gives up on a receiver that never answers 2xx once the day of retries is over', async () => {
    const down = await tenantWithWebhook('down');
    receiver.answers.set('/down', [503]);
    const t0 = harness.clock.ms;
    await lead(down, t0 + MINUTE);
    harness.clock.ms = t0 + MINUTE + BREACH_SETTLE_MS;
    await alerts.sweepOnce(now());
    const created = harness.clock.ms;
    for (let round = 0; round < 40; round++) {
      await alerts.sendOnce(now());
      const [row] = await harness.db.sql.query<{ next_attempt_at: Date | null }>(
        `SELECT next_attempt_at FROM alert_delivery WHERE tenant_id = $1`,
        [down.tenantId],
      );
      if (!row?.next_attempt_at) break;
      harness.clock.ms = new Date(row.next_attempt_at).getTime();
    }
    const times = to('/down').map((request) => Number(request.headers['pronto-timestamp']) * 1000);
    const waits = times.slice(1).map((at, i) => (at - (times[i] as number)) / 1000);
    const expected: number[] = [];
    for (let elapsed = 0, n = 0; ; n++) {
      const wait = RETRY_DELAYS_S[Math.min(n, RETRY_DELAYS_S.length - 1)] as number;
      if ((elapsed + wait) * 1000 > GIVE_UP_AFTER_MS) break;
      elapsed += wait;
      expected.push(wait);
    }
    expect(waits).toEqual(expected);
    expect(waits.slice(0, 7)).toEqual([10, 30, 120, 600, 1_800, 3_600, 7_200]);
    const [row] = await harness.db.sql.query<{ gave_up_at: Date; attempts: number; last_error: string }>(
      `SELECT gave_up_at, attempts, last_error FROM alert_delivery WHERE tenant_id = $1`,
      [down.tenantId],
    );
    expect(row?.attempts).toBe(times.length);
    expect(row?.last_error).toBe('HTTP 503');
    expect(new Date(row?.gave_up_at as Date).getTime() - created).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
    harness.clock.ms += 86_400_000;
    await alerts.sendOnce(now());
    expect(to('/down')).toHaveLength(times.length);
  });

  it('alerts once when live attainment falls below the threshold and once when it recovers, across a restart', async () => {
    const east = await tenantWithWebhook('east', { 'cash-loan': { attainmentBelow: 0.9, minEligible: 5 } });
    const t0 = harness.clock.ms;
    const met = (dueMs: number) =>
      lead(east, dueMs, { dialAtMs: dueMs - 4 * MINUTE, contactedAtMs: dueMs - 3 * MINUTE });
    await lead(east, t0 + MINUTE);
    await lead(east, t0 + 2 * MINUTE);
    harness.clock.ms = t0 + 2 * MINUTE + BREACH_SETTLE_MS + 1_000;
    await alerts.sweepOnce(now()); // 0 of 2 met, but 2 eligible say nothing yet
    for (let n = 3; n <= 10; n++) await met(t0 + n * MINUTE);
    harness.clock.ms = t0 + 10 * MINUTE + BREACH_SETTLE_MS + 1_000;
    await alerts.sweepOnce(now()); // 8 of 10: 0.8 < 0.9
    await alerts.sweepOnce(now());
    const restarted = startAlerts({ db: harness.db, secretBox: harness.box, logger, now, intervalMs: 0 });
    await restarted.sweepOnce(now());
    await restarted.sendOnce(now());

    for (let n = 11; n <= 30; n++) await met(t0 + n * MINUTE);
    harness.clock.ms = t0 + 30 * MINUTE + BREACH_SETTLE_MS; // the live window holds only met leads
    await restarted.sweepOnce(now());
    await alerts.sweepOnce(now());
    await alerts.sendOnce(now());
    await restarted.stop();

    const attainment = to('/east').filter((request) => request.alert.type.startsWith('attainment.'));
    expect(attainment.map((request) => request.alert)).toEqual([
      expect.objectContaining({
        type: 'attainment.below_threshold',
        tenant: 'east',
        campaign: 'cash-loan',
        attainment: 0.8,
        threshold: 0.9,
        eligible: 10,
        met: 8,
        breached: 2,
        window: {
          from: new Date(t0 - 5 * MINUTE + 1_000).toISOString(),
          to: new Date(t0 + 10 * MINUTE + 1_000).toISOString(),
        },
      }),
      expect.objectContaining({ type: 'attainment.recovered', attainment: 1, threshold: 0.9 }),
    ]);
    expect(attainment.every((request) => verify(request, east.secret).ok)).toBe(true);
    const settings = await harness.db.sql.query<{ below: boolean }>(
      'SELECT below FROM alert_campaign WHERE campaign_id = $1',
      [east.campaignId],
    );
    expect(settings).toEqual([{ below: false }]);
  });
});
