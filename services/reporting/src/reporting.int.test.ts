import { randomUUID } from 'node:crypto';
import { type Bus, createInProcessBus } from '@pronto/bus';
import type { ReceivedLeadEventV1 } from '@pronto/contracts';
import { type Harness, startHarness } from '@pronto/ingest/testing';
import { breachReason, leadResult, REPORTED_EVENTS } from '@pronto/sla';
import { createLogger } from '@pronto/telemetry';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithHistory } from './rebuild.ts';
import { reportRoutes } from './report-routes.ts';
import { loadRow } from './report-store.ts';
import { type Reporting, startReporting } from './start-reporting.ts';
import {
  DAY,
  DAY_QUERY,
  eventually,
  FIRST_LEAD,
  foldedCount,
  playDay,
  SLA_MS,
} from './testing/scripted-day.ts';

const logger = createLogger({ name: 'reporting-test', level: 'silent' });

describe('the SLA report of a scripted day', () => {
  let harness: Harness;
  let bus: Bus;
  let reporting: Reporting;
  let published: ReceivedLeadEventV1[];
  let folded = 0;
  const query = DAY_QUERY;
  const processed = () => foldedCount(harness.db.sql);

  beforeAll(async () => {
    const db = await openTestDatabase();
    harness = await startHarness({
      db,
      deps: {
        signedRoutes: [
          async (scope) =>
            scope.register(reportRoutes, { sql: db.sql, now: () => new Date(harness.clock.ms) }),
        ],
      },
    });
    harness.clock.ms = DAY + 20 * 3_600_000; // 22:00 in Warsaw: every lead of the day is due
    bus = createInProcessBus({ sql: harness.db.sql, logger });
    reporting = await startReporting({ db: harness.db, bus, logger });
    const [campaign] = await harness.db.sql.query<{ id: string }>(
      `SELECT id::text FROM campaign WHERE tenant_id = $1 AND slug = 'cash-loan'`,
      [harness.tenantId],
    );
    published = await playDay(harness.db, bus, harness.tenantId, campaign?.id as string, 100);
    // Another tenant, whose leads all breached the same day.
    const other = await createTenant(harness.db.prisma, { slug: 'other-bank', name: 'Other Bank' });
    const otherCampaign = await createCampaign(harness.db.prisma, {
      tenantId: other.id,
      slug: 'cash-loan',
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
    });
    const breachedElsewhere: ReceivedLeadEventV1[] = [];
    for (let n = 0; n < 6; n++) {
      const [lead] = await harness.db.sql.query<{ id: string }>(
        `INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, received_at, last_intent_at, updated_at)
         VALUES ($1, $2, $3, 'queued', $4, $4, $4) RETURNING id::text`,
        [other.id, otherCampaign.id, `+4861${String(1_000_000 + n)}`, new Date(FIRST_LEAD).toISOString()],
      );
      const leadId = lead?.id as string;
      const detail = {
        anchorAt: new Date(FIRST_LEAD).toISOString(),
        dueAt: new Date(FIRST_LEAD + SLA_MS).toISOString(),
      };
      await harness.db.sql.query(
        `INSERT INTO lead_history (lead_id, at, type, detail) VALUES ($1, $2, 'queued', $3::jsonb)`,
        [leadId, new Date(FIRST_LEAD).toISOString(), JSON.stringify(detail)],
      );
      breachedElsewhere.push({
        type: 'lead.event',
        version: 1,
        id: randomUUID(),
        occurredAt: new Date(FIRST_LEAD).toISOString(),
        key: leadId,
        payload: {
          leadId,
          tenantId: other.id,
          campaignId: otherCampaign.id,
          leadVersion: 1,
          event: 'queued',
          at: new Date(FIRST_LEAD).toISOString(),
          status: 'queued',
          detail,
        },
      });
    }
    await bus.publish('lead-events', breachedElsewhere);
    published.push(...breachedElsewhere);
    // Facts no figure depends on (scored, retry_scheduled, ...) are passed over without a record.
    folded = published.filter((message) => REPORTED_EVENTS.has(message.payload.event)).length;
    await eventually(async () => (await processed()) === folded, 'every lead event is folded');
  }, 120_000);

  afterAll(async () => {
    await reporting?.stop();
    await bus?.close();
    await harness?.close();
  });

  it('gives exactly the scripted numbers through the API', async () => {
    const response = await harness.send('GET', `/v1/reports/sla?${query}`);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({
      eligible: 98,
      met: 91,
      breached: 7,
      open: 0,
      suppressed: 2,
      attainment: 91 / 98,
      firstAttemptWithinSla: 95 / 98,
      contactRate: 94 / 98,
      breachReasons: {
        no_answer_all_attempts: 4,
        no_agent_available: 3,
        outside_window: 0,
        agent_missed_offer: 0,
        dialer_error: 0,
      },
      speedToContact: { p50: 90 },
      slices: [],
    });
    // First dials at 30-90 s for 95 leads, 410 s for 3: the median is among the first.
    expect(report.speedToLead.p50).toBeGreaterThanOrEqual(30);
    expect(report.speedToLead.p50).toBeLessThanOrEqual(90);
    expect(report.speedToLead.p99).toBeGreaterThan(300);
  });

  it('slices by agent group and by hour of day in the lead zone', async () => {
    const byGroup = (await harness.send('GET', `/v1/reports/sla?${query}&groupBy=group`)).json();
    const groups = byGroup.slices.map((slice: { key: string; eligible: number; suppressed: number }) => [
      slice.key,
      slice.eligible,
      slice.suppressed,
    ]);
    // The suppressed leads were never offered: they have no group.
    expect(groups).toEqual([
      ['backup', 49, 0],
      ['sales', 49, 0],
      [null, 0, 2],
    ]);
    const byHour = (await harness.send('GET', `/v1/reports/sla?${query}&groupBy=hour`)).json();
    // 100 leads 5 minutes apart from 08:00 local: 08:00-16:15, twelve an hour.
    expect(byHour.slices[0]).toMatchObject({ key: '8', eligible: 12, met: 12 });
    expect(byHour.slices.reduce((sum: number, slice: { eligible: number }) => sum + slice.eligible, 0)).toBe(
      98,
    );
  });

  it('lists every lead in the CSV, with the same results and reasons', async () => {
    const response = await harness.send('GET', `/v1/reports/sla.csv?${query}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...lines] = response.body.trim().split('\r\n');
    const columns = (header as string).split(',');
    const rows = lines.map((line) =>
      Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell])),
    );
    expect(rows).toHaveLength(100);
    const count = (key: string, value: string) => rows.filter((row) => row[key] === value).length;
    expect([count('result', 'met'), count('result', 'breached'), count('result', 'suppressed')]).toEqual([
      91, 7, 2,
    ]);
    expect([
      count('breach_reason', 'no_answer_all_attempts'),
      count('breach_reason', 'no_agent_available'),
    ]).toEqual([4, 3]);
    // The SQL's verdict per lead is the fold's own.
    for (const row of rows) {
      const stored = await loadRow(harness.db.sql, row.lead_id as string);
      if (!stored) throw new Error(`no report row for ${row.lead_id}`);
      const result = leadResult(stored, new Date(harness.clock.ms));
      expect(row.result).toBe(result);
      expect(row.breach_reason).toBe(result === 'breached' ? breachReason(stored) : '');
    }
  });

  it('filters by agent group: the API, its slice and the CSV agree', async () => {
    const bySlice = (await harness.send('GET', `/v1/reports/sla?${query}&groupBy=group`)).json();
    const sales = bySlice.slices.find((slice: { key: string }) => slice.key === 'sales');
    const filtered = (await harness.send('GET', `/v1/reports/sla?${query}&group=sales`)).json();
    // The even leads of the 98 dialed ones went to the sales group.
    expect(filtered.eligible).toBe(49);
    const { key: _key, ...figures } = sales;
    expect(filtered).toMatchObject(figures);
    const csv = (await harness.send('GET', `/v1/reports/sla.csv?${query}&group=sales`)).body;
    const [header, ...lines] = csv.trim().split('\r\n');
    const groupColumn = (header as string).split(',').indexOf('agent_group');
    expect(lines).toHaveLength(49);
    expect(new Set(lines.map((line) => line.split(',')[groupColumn]))).toEqual(new Set(['sales']));
  });

  it('gives the same numbers when recomputed from the history', async () => {
    for (const groupBy of [undefined, 'campaign', 'agent', 'group', 'hour'] as const) {
      const { live, recomputed } = await compareWithHistory(harness.db.sql, {
        tenantId: harness.tenantId,
        from: new Date(DAY),
        to: new Date(DAY + 86_400_000),
        now: new Date(harness.clock.ms),
        ...(groupBy ? { groupBy } : {}),
      });
      expect(recomputed).toEqual(live);
    }
  });

  it('counts a redelivered lead event once', async () => {
    const before = (await harness.send('GET', `/v1/reports/sla?${query}`)).json();
    const again = published.slice(0, 40);
    // After the copies, on the same key (so after them in order), one new fact that changes no figure.
    const last = again.at(-1) as ReceivedLeadEventV1;
    const marker: ReceivedLeadEventV1 = {
      ...last,
      id: randomUUID(),
      payload: {
        ...last.payload,
        event: 'dial_blocked',
        detail: { gate: 'max_attempts', why: 'a late fact' },
      },
    };
    await bus.publish('lead-events', [...again, marker]);
    await eventually(async () => (await processed()) === folded + 1, 'the marker is folded');
    const after = (await harness.send('GET', `/v1/reports/sla?${query}`)).json();
    expect(after).toEqual(before);
  });

  it("never shows another tenant's leads", async () => {
    const report = (await harness.send('GET', `/v1/reports/sla?${query}&groupBy=campaign`)).json();
    expect(report.eligible).toBe(98);
    expect(report.slices).toHaveLength(1);
    const csv = (await harness.send('GET', `/v1/reports/sla.csv?${query}`)).body;
    expect(csv.trim().split('\r\n')).toHaveLength(101);
  });

  it('names the field of a bad query (problem+json)', async () => {
    const missing = await harness.send('GET', '/v1/reports/sla?to=2026-03-31');
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'from' })]);
    const backwards = await harness.send('GET', '/v1/reports/sla?from=2026-03-31&to=2026-03-30');
    expect(backwards.json().errors).toEqual([expect.objectContaining({ field: 'to' })]);
    // Year 0000 is a JavaScript Date but no timestamptz: a 400, not the database's error.
    const yearZero = await harness.send('GET', '/v1/reports/sla?from=0000-01-01&to=0000-01-05');
    expect(yearZero.statusCode).toBe(400);
    expect(yearZero.json().errors).toEqual([expect.objectContaining({ field: 'from' })]);
    const groupBy = await harness.send('GET', `/v1/reports/sla?${query}&groupBy=weekday`);
    expect(groupBy.statusCode).toBe(400);
    expect(JSON.stringify(groupBy.json().errors)).toContain('groupBy');
    const unsigned = await harness.app.inject({ method: 'GET', url: `/v1/reports/sla?${query}` });
    expect(unsigned.statusCode).toBe(401);
  });
});
