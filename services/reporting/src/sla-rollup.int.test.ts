import { randomUUID } from 'node:crypto';
import type { SqlQueryable } from '@pronto/db';
import {
  foldLeadFact,
  type GroupBy,
  type LeadFact,
  type ReportRow,
  type SlaQuery,
  slaReport,
  slaReportFromRows,
} from '@pronto/sla';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { openTestDatabase, seededRandom, type TestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFact, saveRow } from './report-store.ts';
import { markEveryHourDirty, refreshRollup } from './sla-rollup.ts';

/** Sunday 29 March 2026: Warsaw and London move their clocks forward an hour. */
const START = Date.parse('2026-03-28T00:00:00.000Z');
/** The fake clock: Monday evening, inside an hour that has not ended. */
const NOW = new Date('2026-03-30T21:40:00.000Z');
const HOUR = 3_600_000;
const ZONES = ['Europe/Warsaw', 'Europe/London', 'America/New_York', null];
const KINDS = [
  'met',
  'no_answer',
  'dialer_error',
  'outside_window',
  'missed_offer',
  'no_agent',
  'late',
  'suppressed',
];

/** Every statement sent, to see which path answered. */
function recording(sql: SqlQueryable) {
  const statements: string[] = [];
  const recorder: SqlQueryable = {
    query: (text, params) => {
      statements.push(text);
      return sql.query(text, params);
    },
    exec: (script) => sql.exec(script),
  };
  return { statements, recorder };
}

/** A lead's facts until NOW, from its anchor (ms), kind and zone; every time has milliseconds. */
function leadFacts(
  lead: Omit<LeadFact, 'event' | 'at' | 'detail'>,
  anchor: number,
  kind: string,
  zone: string | null,
  sla: number,
  random: () => number,
): LeadFact[] {
  const at = (seconds: number) => new Date(anchor + Math.round(seconds * 1000) + 7);
  const fact = (seconds: number, event: string, detail: Record<string, unknown> = {}) => ({
    ...lead,
    event,
    at: at(seconds),
    detail,
  });
  if (kind === 'suppressed') return [fact(0, 'suppressed', { reason: 'dnc' })];
  const a = `a-${lead.leadId}`;
  const first = 3 + random() * sla * 0.8;
  const queued = fact(0, 'queued', {
    ...(zone ? { zone } : {}),
    anchorAt: at(0).toISOString(),
    dueAt: at(sla).toISOString(),
  });
  const dial = (seconds: number) => [
    fact(seconds - 4, 'offered', { attemptId: a, group: random() < 0.5 ? 'team' : 'overflow' }),
    fact(seconds, 'dialing', { attemptId: a, agentId: 'agent-1' }),
  ];
  const facts: LeadFact[] = [queued];
  if (kind === 'met')
    facts.push(
      ...dial(first),
      fact(first + 5 + random() * 20, 'contacted', { attemptId: a, agentId: 'agent-1' }),
    );
  if (kind === 'no_answer')
    facts.push(...dial(first), fact(first + 30, 'call_ended', { attemptId: a, outcome: 'no_answer' }));
  if (kind === 'dialer_error')
    facts.push(...dial(first), fact(first + 1, 'call_ended', { attemptId: a, outcome: 'failed' }));
  if (kind === 'outside_window')
    facts.push(fact(1, 'dial_blocked', { gate: 'outside_window' }), ...dial(sla + 600));
  if (kind === 'missed_offer')
    facts.push(
      fact(first, 'offered', { attemptId: a, group: 'team' }),
      fact(first + 20, 'offer_missed', { attemptId: a, why: 'timeout' }),
    );
  if (kind === 'late')
    facts.push(
      ...dial(sla + 40),
      fact(sla + 70 + random() * 900, 'contacted', { attemptId: a, agentId: 'agent-2' }),
    );
  return facts.filter((f) => f.at.getTime() <= NOW.getTime());
}

describe('the SLA report over the rollup of ended hours', () => {
  let db: TestDatabase;
  let tenantId: string;
  let otherTenantId: string;
  const leads = new Map<string, { facts: LeadFact[]; kind: string; due: number }>();

  const report = (query: Partial<SlaQuery> & { groupBy?: GroupBy } = {}): SlaQuery => ({
    tenantId,
    from: new Date(START),
    to: NOW,
    now: NOW,
    ...query,
  });

  /** The report answered with the rollup equals the report from the rows alone. */
  async function expectSameAsRows(query: SlaQuery) {
    const { statements, recorder } = recording(db.sql);
    const viaRollup = await slaReport(recorder, query);
    expect(statements.some((text) => text.includes('report_rollup_speed'))).toBe(true);
    expect(viaRollup).toEqual(await slaReportFromRows(db.sql, query));
    return viaRollup;
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    const random = seededRandom(20260329);
    const tenant = await createTenant(db.prisma, { slug: 'rollup-bank', name: 'Rollup bank' });
    const other = await createTenant(db.prisma, { slug: 'other-bank', name: 'Other bank' });
    tenantId = tenant.id;
    otherTenantId = other.id;
    const campaigns = [
      { tenantId, slug: 'cash-loan', timeZone: 'Europe/Warsaw', slaSeconds: 300 },
      { tenantId, slug: 'mortgage', timeZone: 'Europe/London', slaSeconds: 600 },
      { tenantId: otherTenantId, slug: 'cash-loan', timeZone: 'Europe/Warsaw', slaSeconds: 300 },
    ];
    const created = [];
    for (const c of campaigns)
      created.push(
        await createCampaign(db.prisma, { ...c, name: c.slug, agentGroups: ['team', 'overflow'] }),
      );
    const rows: ReportRow[] = [];
    // Three days and a bit, with more leads by day; the last ones are due after NOW (open).
    for (let n = 0; n < 420; n++) {
      // The last few within their SLA at NOW: open.
      const anchor =
        n < 410
          ? START + Math.floor(random() * (NOW.getTime() - START))
          : NOW.getTime() - Math.floor(random() * 240_000);
      const c = created[n % 7 === 0 ? 2 : n % 3 === 0 ? 1 : 0];
      const spec = campaigns[n % 7 === 0 ? 2 : n % 3 === 0 ? 1 : 0];
      if (!c || !spec) throw new Error('no campaign');
      const lead = { leadId: randomUUID(), tenantId: spec.tenantId, campaignId: c.id };
      const kind = KINDS[Math.floor(random() * KINDS.length)] as string;
      const zone = ZONES[Math.floor(random() * ZONES.length)] ?? null;
      const own = leadFacts(lead, anchor, kind, zone, spec.slaSeconds, random);
      leads.set(lead.leadId, { facts: own, kind, due: anchor + spec.slaSeconds * 1000 });
      const row = own.reduce<ReportRow | undefined>(foldLeadFact, undefined);
      if (row) rows.push(row);
    }
    // Saved as the live fold saves them (saveRow marks their hours dirty); one statement per lead.
    await db.sql.transaction(async (tx) => {
      for (const row of rows) await saveRow(tx, row);
    });
    expect(await refreshRollup(db.sql, NOW)).toBeGreaterThan(60);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('answers periods aligned and not aligned to hours, across the DST change, as the rows do', async () => {
    const periods = [
      { from: new Date(START), to: NOW },
      // Warsaw's 29 March: 23 hours.
      { from: new Date('2026-03-28T23:00:00.000Z'), to: new Date('2026-03-29T22:00:00.000Z') },
      { from: new Date('2026-03-28T05:17:23.456Z'), to: new Date('2026-03-30T19:42:10.001Z') },
      // "Today" until midnight: the hour in progress and the leads still open.
      { from: new Date('2026-03-30T00:00:00.000Z'), to: new Date('2026-03-31T00:00:00.000Z') },
    ];
    for (const period of periods)
      for (const groupBy of [undefined, 'campaign', 'hour'] as const) {
        const answered = await expectSameAsRows(report({ ...period, ...(groupBy ? { groupBy } : {}) }));
        expect(answered.eligible).toBeGreaterThan(20);
        expect(Object.values(answered.breachReasons).every((n) => n > 0)).toBe(true);
      }
    const today = await expectSameAsRows(
      report({ from: periods[3]?.from, to: periods[3]?.to, groupBy: 'hour' }),
    );
    expect(today.open).toBeGreaterThan(0);
    expect(today.slices.length).toBeGreaterThan(5);
    const oneCampaign = await expectSameAsRows(report({ campaign: 'mortgage', groupBy: 'hour' }));
    expect(oneCampaign.suppressed).toBeGreaterThan(0);
    // The other tenant's leads are in the same hours; its report is its own.
    const other = await expectSameAsRows(report({ tenantId: otherTenantId, groupBy: 'campaign' }));
    expect(other.slices.map((slice) => slice.key)).toEqual(['cash-loan']);
  });

  it('reads a changed hour from its rows until the refresher sums it again', async () => {
    const [leadId, late] = [...leads].find(
      ([, lead]) => lead.kind === 'no_answer' && lead.due < NOW.getTime() - 24 * HOUR,
    ) ?? [undefined, undefined];
    if (!leadId || !late) throw new Error('no breached lead a day ago');
    const query = report({ groupBy: 'campaign' });
    const before = await expectSameAsRows(query);
    const contactAt = new Date(NOW.getTime() - 60_000);
    const lead = late.facts[0] as LeadFact;
    await db.sql.transaction((tx) =>
      applyFact(tx, { ...lead, event: 'contacted', at: contactAt, detail: { attemptId: `a-${leadId}` } }),
    );
    const after = await expectSameAsRows(query);
    expect(after.contactRate).toBeGreaterThan(before.contactRate ?? 1);
    expect(after.breached).toBe(before.breached);
    const hour = new Date(Math.floor(late.due / HOUR) * HOUR);
    const marks = () =>
      db.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM report_rollup_dirty WHERE tenant_id = $1 AND hour = $2',
        [tenantId, hour.toISOString()],
      );
    expect((await marks())[0]?.n).toBe(1);
    expect(await refreshRollup(db.sql, NOW)).toBeGreaterThanOrEqual(1);
    expect((await marks())[0]?.n).toBe(0);
    expect(await expectSameAsRows(query)).toEqual(after);
  });

  it('keeps the hour in progress dirty, and sums it once it has ended', async () => {
    const current = await db.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM report_rollup_dirty WHERE hour >= $1',
      [new Date(Math.floor(NOW.getTime() / HOUR) * HOUR).toISOString()],
    );
    expect(current[0]?.n).toBeGreaterThan(0);
    const later = new Date(NOW.getTime() + 45 * 60_000);
    const query = report({ to: later, now: later, groupBy: 'hour' });
    const before = await expectSameAsRows(query);
    expect(before.open).toBe(0);
    expect(await refreshRollup(db.sql, later)).toBeGreaterThanOrEqual(1);
    expect(await expectSameAsRows(query)).toEqual(before);
  });

  it('stays exact after every hour is marked dirty (a rebuild) and summed again', async () => {
    const query = report({ groupBy: 'hour' });
    const before = await expectSameAsRows(query);
    await markEveryHourDirty(db.sql);
    expect(await expectSameAsRows(query)).toEqual(before);
    await refreshRollup(db.sql, NOW);
    expect(await expectSameAsRows(query)).toEqual(before);
  });
});
