import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrismaClient } from '@pronto/db';
import { createCampaign, createTenant, issueApiKey, type SecretBox } from '@pronto/tenancy';
import { DEMO_GROUPS } from './seed-demo-agents.ts';

export const DEMO = { tenant: 'demo', campaign: 'cash-loan', keyId: 'demo-key' } as const;

/**
 * The demo calls at any hour, so whoever tries it at night still sees leads dialed; a real
 * campaign gets DEFAULT_CALLING_WINDOWS (weekdays 8-21, Saturdays 9-18, in the lead's zone).
 */
const DEMO_CALLING_WINDOWS = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];

/**
 * The demo tenant, campaign and key, created on first start and found again on later ones.
 * The key's secret is PRONTO_DEMO_SECRET when given, else generated once and kept (encrypted);
 * it is also written to <data>/demo-secret (mode 0600) for `npm run send-event`.
 */
export async function seedDemo(
  prisma: PrismaClient,
  box: SecretBox,
  options: { dataDir: string; secret?: string },
): Promise<{ tenantId: string; keyId: string; secret: string }> {
  const tenant =
    (await prisma.tenant.findUnique({ where: { slug: DEMO.tenant } })) ??
    (await createTenant(prisma, {
      slug: DEMO.tenant,
      name: 'Demo Bank',
      rateLimitPerSecond: 5_000,
      rateLimitBurst: 10_000,
    }));
  // The campaign and the demo agents name these groups, and the admin API takes only a group that exists,
  // so that `pronto campaign get` and `apply` round-trip the demo campaign (also in a data folder from before groups).
  await prisma.agentGroup.createMany({
    data: [
      { tenantId: tenant.id, name: DEMO_GROUPS.primary, displayName: 'Cash loan' },
      { tenantId: tenant.id, name: DEMO_GROUPS.backup, displayName: 'Backup' },
    ],
    skipDuplicates: true,
  });
  const campaign = await prisma.campaign.findUnique({
    where: { tenantId_slug: { tenantId: tenant.id, slug: DEMO.campaign } },
  });
  if (!campaign) {
    await createCampaign(prisma, {
      tenantId: tenant.id,
      slug: DEMO.campaign,
      name: 'Cash loan offer check',
      slaSeconds: 300,
      slaClock: 'business_hours',
      timeZone: 'Europe/Warsaw',
      callingWindows: DEMO_CALLING_WINDOWS,
      agentGroups: [DEMO_GROUPS.primary, DEMO_GROUPS.backup],
    });
  } else if (campaign.agentGroups.length === 0) {
    // A data folder from before dispatch existed: give its campaign the demo agents' groups.
    await prisma.campaign.update({
      where: { id: campaign.id },
      data: { agentGroups: [DEMO_GROUPS.primary, DEMO_GROUPS.backup], callingWindows: DEMO_CALLING_WINDOWS },
    });
  }
  const key = await prisma.apiKey.findUnique({ where: { id: DEMO.keyId } });
  let secret: string;
  if (!key) {
    secret = (
      await issueApiKey(prisma, box, {
        tenantId: tenant.id,
        keyId: DEMO.keyId,
        ...(options.secret ? { secret: options.secret } : {}),
      })
    ).secret;
  } else {
    secret = box.open(key.secretCiphertext);
    if (options.secret && options.secret !== secret) {
      secret = options.secret;
      await prisma.apiKey.update({ where: { id: DEMO.keyId }, data: { secretCiphertext: box.seal(secret) } });
    }
  }
  await writeFile(join(options.dataDir, 'demo-secret'), `${secret}\n`, { mode: 0o600 });
  return { tenantId: tenant.id, keyId: DEMO.keyId, secret };
}
