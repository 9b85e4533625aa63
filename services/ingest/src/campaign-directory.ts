import type { PrismaClient } from '@pronto/db';

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
  const cache = new Map<string, { id: string | null; until: number }>();
  return {
    async find(tenantId, slug) {
      const key = `${tenantId}/${slug}`;
      const hit = cache.get(key);
      if (hit && hit.until > now()) return hit.id;
      const campaign = await prisma.campaign.findUnique({
        where: { tenantId_slug: { tenantId, slug } },
        select: { id: true },
      });
      const id = campaign?.id ?? null;
      cache.set(key, { id, until: now() + (id ? ttlMs : Math.min(ttlMs, 5_000)) });
      return id;
    },
  };
}
