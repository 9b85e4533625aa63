import { randomUUID } from 'node:crypto';
import { foldLeadFact, type ReportRow } from '@pronto/sla';
import { createCampaign, createTenant } from '@pronto/tenancy';
import { databaseKinds, openTestDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { saveRow } from './report-store.ts';
import { type RollupFailure, refreshRollup } from './sla-rollup.ts';

const HOUR = 3_600_000;
const NOW = new Date('2026-03-30T21:40:00.000Z');
/** An hour that has ended by NOW. */
const PAST = Date.parse('2026-03-30T10:00:00.000Z');

describe.each(databaseKinds())('the rollup refresh on %s', (kind) => {
  it("sums every other tenant's hours when one tenant-hour cannot be summed", async () => {
    const db = await openTestDatabase(kind);
    try {
      const tenants: { tenantId: string; campaignId: string }[] = [];
      for (const slug of ['poisoned-bank', 'healthy-bank', 'other-bank']) {
        const tenant = await createTenant(db.prisma, { slug, name: slug });
        const campaign = await createCampaign(db.prisma, {
          tenantId: tenant.id,
          slug: 'cash-loan',
          name: 'Cash loan',
          timeZone: 'Europe/Warsaw',
        });
        tenants.push({ tenantId: tenant.id, campaignId: campaign.id });
      }
      // One lead a tenant in the same past hour, and a second hour for the poisoned tenant.
      const leads: { tenantId: string; leadId: string; anchor: number }[] = [
        ...tenants.map((t) => ({ tenantId: t.tenantId, leadId: randomUUID(), anchor: PAST + 60_000 })),
        { tenantId: tenants[0]?.tenantId as string, leadId: randomUUID(), anchor: PAST - 2 * HOUR },
      ];
      await db.sql.transaction(async (tx) => {
        for (const lead of leads) {
          const campaignId = tenants.find((t) => t.tenantId === lead.tenantId)?.campaignId as string;
          const row = foldLeadFact(undefined, {
            leadId: lead.leadId,
            tenantId: lead.tenantId,
            campaignId,
            event: 'queued',
            at: new Date(lead.anchor),
            detail: {
              anchorAt: new Date(lead.anchor).toISOString(),
              dueAt: new Date(lead.anchor + 300_000).toISOString(),
            },
          }) as ReportRow;
          await saveRow(tx, row);
        }
      });
      // A zone the database does not know, written past intake (as rows stored before it checked zones).
      await db.sql.query(`UPDATE report_lead SET time_zone = 'US/Pacific-New' WHERE lead_id = $1`, [
        leads[0]?.leadId,
      ]);

      const failures: RollupFailure[] = [];
      const summed = await refreshRollup(db.sql, NOW, (failure) => failures.push(failure));
      expect(summed).toBe(3);
      expect(failures.map((f) => [f.tenantId, f.hour.getTime()])).toEqual([[tenants[0]?.tenantId, PAST]]);
      const rolled = await db.sql.query<{ tenant_id: string; hour: Date }>(
        'SELECT DISTINCT tenant_id::text, hour FROM report_rollup ORDER BY 1, 2',
      );
      expect(rolled.map((r) => `${r.tenant_id} ${new Date(r.hour).getTime()}`).sort()).toEqual(
        [
          `${tenants[0]?.tenantId} ${PAST - 2 * HOUR}`,
          `${tenants[1]?.tenantId} ${PAST}`,
          `${tenants[2]?.tenantId} ${PAST}`,
        ].sort(),
      );
      const dirty = await db.sql.query<{ tenant_id: string; hour: Date }>(
        'SELECT tenant_id::text, hour FROM report_rollup_dirty',
      );
      expect(dirty.map((d) => [d.tenant_id, new Date(d.hour).getTime()])).toEqual([
        [tenants[0]?.tenantId, PAST],
      ]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
