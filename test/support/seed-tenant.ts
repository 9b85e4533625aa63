import type { Database } from '@pronto/db';
import { createCampaign, createSecretBox, createTenant, issueApiKey } from '@pronto/tenancy';

/**
 * One tenant with campaign `cash-loan` (Warsaw) and an API key, written straight into a database
 * that separate Pronto processes will use: `masterKey` must be the one they get as PRONTO_MASTER_KEY.
 */
export async function seedTenant(
  db: Database,
  options: {
    slug: string;
    key: { keyId: string; secret: string };
    masterKey: Buffer;
    slaClock?: 'calendar' | 'business_hours';
  },
): Promise<void> {
  // Load tests send thousands of events a second: far above the default per-tenant rate.
  const tenant = await createTenant(db.prisma, {
    slug: options.slug,
    name: options.slug,
    rateLimitPerSecond: 100_000,
    rateLimitBurst: 100_000,
  });
  await createCampaign(db.prisma, {
    tenantId: tenant.id,
    slug: 'cash-loan',
    name: 'Cash loan',
    timeZone: 'Europe/Warsaw',
    ...(options.slaClock ? { slaClock: options.slaClock } : {}),
  });
  await issueApiKey(db.prisma, createSecretBox(options.masterKey), { tenantId: tenant.id, ...options.key });
}
