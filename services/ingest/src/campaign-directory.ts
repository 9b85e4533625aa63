import type { PrismaClient } from '@pronto/db';
import { createCachedLookup } from '@pronto/http';

export interface CampaignDirectory {
  /** The campaign's id for a tenant's slug, or null when the tenant has no such campaign. */
  find(tenantId: string, slug: string): Promise<string | null>;
}

/**
 * Campaign slugs change rarely and are read on every event, so answers are kept for `ttlMs`;
 * a campaign created meanwhile is found once its "not found" entry expires.
 */
export function createCampaignDirectory(
  prisma: PrismaClient,
  now: () => number,
  ttlMs = 30_000,
): CampaignDirectory {
  const lookup = createCachedLookup({
    load: async (key) => {
      const [tenantId = '', slug = ''] = key.split('\u0000');
      const campaign = await prisma.campaign.findUnique({
        where: { tenantId_slug: { tenantId, slug } },
        select: { id: true },
      });
      return campaign?.id ?? null;
    },
    now,
    ttlMs,
    missTtlMs: Math.min(ttlMs, 5_000),
  });
  return { find: (tenantId, slug) => lookup(`${tenantId}\u0000${slug}`) };
}
