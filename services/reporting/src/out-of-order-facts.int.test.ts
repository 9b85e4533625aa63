import { randomUUID } from 'node:crypto';
import { breachReason, type LeadFact, leadResult } from '@pronto/sla';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { openTestDatabase } from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFact, applyFactOnce, loadRow } from './report-store.ts';

type Db = Awaited<ReturnType<typeof openTestDatabase>>;

describe('facts of one lead that arrive out of order', () => {
  let db: Db;
  let lead: Pick<LeadFact, 'leadId' | 'tenantId' | 'campaignId'>;
  beforeAll(async () => {
    db = await openTestDatabase();
    const tenant = await createTenant(db.prisma, { slug: `t-${randomUUID().slice(0, 8)}`, name: 'Bank' });
    const campaign = await createCampaign(db.prisma, {
      tenantId: tenant.id,
      slug: 'cash-loan',
      name: 'Cash loan',
      timeZone: 'Europe/Warsaw',
    });
    const at = '2026-03-30T06:00:00Z';
    const [row] = await db.sql.query<{ id: string }>(
      `INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, received_at, last_intent_at, updated_at)
       VALUES ($1, $2, '+48601000777', 'waiting_retry', $3, $3, $3) RETURNING id::text`,
      [tenant.id, campaign.id, at],
    );
    lead = { leadId: row?.id as string, tenantId: tenant.id, campaignId: campaign.id };
  });
  afterAll(async () => {
    await db.close();
  });

  it('fold to the row the stored history gives (a failed dial stays a dialer error, not a missing outcome)', async () => {
    const facts: LeadFact[] = [
      {
        ...lead,
        event: 'queued',
        at: new Date('2026-03-30T06:00:00Z'),
        detail: { anchorAt: '2026-03-30T06:00:00Z', dueAt: '2026-03-30T06:05:00Z', zone: 'Europe/Warsaw' },
      },
      {
        ...lead,
        event: 'dialing',
        at: new Date('2026-03-30T06:01:00Z'),
        detail: { attemptId: 'a1', agentId: 'g1' },
      },
      {
        ...lead,
        event: 'call_ended',
        at: new Date('2026-03-30T06:02:00Z'),
        detail: { attemptId: 'a1', outcome: 'failed' },
      },
    ];
    // The history holds them in order, as the services write it with the messages.
    for (const fact of facts)
      await db.sql.query(
        `INSERT INTO lead_history (lead_id, at, type, detail) VALUES ($1, $2, $3, $4::jsonb)`,
        [fact.leadId, fact.at.toISOString(), fact.event, JSON.stringify(fact.detail)],
      );
    // The bus hands them over as queued, call_ended, dialing (and dialing once more, redelivered).
    for (const fact of [facts[0], facts[2], facts[1], facts[1]] as LeadFact[])
      await db.sql.transaction((tx) => applyFact(tx, fact));
    const row = await db.sql.transaction((tx) => loadRow(tx, lead.leadId));
    expect(row).toMatchObject({ dialsBeforeDue: 1, lastDialAttemptId: 'a1', lastOutcomeBeforeDue: 'failed' });
    if (!row) throw new Error('no row');
    expect(leadResult(row, new Date('2026-03-30T07:00:00Z'))).toBe('breached');
    expect(breachReason(row)).toBe('dialer_error');
  });

  it('applies a delivered fact once: of two deliveries folding at the same moment, one finds it recorded', async () => {
    const [row] = await db.sql.query<{ id: string }>(
      `INSERT INTO lead (tenant_id, campaign_id, phone_e164, status, received_at, last_intent_at, updated_at)
       VALUES ($1, $2, '+48601000778', 'queued', $3, $3, $3) RETURNING id::text`,
      [lead.tenantId, lead.campaignId, '2026-03-30T08:00:00Z'],
    );
    const other = { ...lead, leadId: row?.id as string };
    const queued: LeadFact = {
      ...other,
      event: 'queued',
      at: new Date('2026-03-30T08:00:00Z'),
      detail: { anchorAt: '2026-03-30T08:00:00Z', dueAt: '2026-03-30T08:05:00Z', zone: 'Europe/Warsaw' },
    };
    const dialing: LeadFact = {
      ...other,
      event: 'dialing',
      at: new Date('2026-03-30T08:01:00Z'),
      detail: { attemptId: 'b1', agentId: 'g1' },
    };
    expect(await db.sql.transaction((tx) => applyFactOnce(tx, queued, 'reporting-test', randomUUID()))).toBe(
      true,
    );
    const messageId = randomUUID();
    const applied = await Promise.all(
      [1, 2].map(() => db.sql.transaction((tx) => applyFactOnce(tx, dialing, 'reporting-test', messageId))),
    );
    expect(applied.sort()).toEqual([false, true]);
    expect(await db.sql.transaction((tx) => loadRow(tx, other.leadId))).toMatchObject({
      anchorAt: new Date('2026-03-30T08:00:00Z'),
      dialsBeforeDue: 1,
      lastDialAttemptId: 'b1',
      lastEvent: 'dialing',
    });
  });
});
