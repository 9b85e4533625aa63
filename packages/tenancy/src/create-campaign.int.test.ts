import { databaseKinds, openTestDatabase } from '@pronto/testing';
import { describe, expect, it } from 'vitest';
import { createCampaign } from './create-campaign.ts';
import { createTenant } from './create-tenant.ts';

describe.each(databaseKinds())('createCampaign on %s', (kind) => {
  it('refuses a zone the database does not know, though Intl does, and one Intl does not know', async () => {
    const db = await openTestDatabase(kind);
    try {
      const tenant = await createTenant(db.prisma, { slug: 'zones', name: 'Zones' });
      const campaign = (slug: string, timeZone: string) =>
        createCampaign(db.prisma, { tenantId: tenant.id, slug, name: slug, timeZone });
      await expect(campaign('ok', 'Europe/Warsaw')).resolves.toMatchObject({ timeZone: 'Europe/Warsaw' });
      await expect(campaign('intl-only', 'US/Pacific-New')).rejects.toThrow(/campaign_time_zone_known/);
      await expect(campaign('db-only', 'posix/Europe/Warsaw')).rejects.toThrow(RangeError);
      // Written past createCampaign, the database still refuses it.
      await expect(
        db.sql.query(`UPDATE campaign SET time_zone = 'US/Pacific-New' WHERE tenant_id = $1`, [tenant.id]),
      ).rejects.toThrow(/campaign_time_zone_known/);
    } finally {
      await db.close();
    }
  }, 60_000);
});
