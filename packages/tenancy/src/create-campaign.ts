import type { Prisma, PrismaClient } from '@pronto/db';

export type NewCampaign = Omit<Prisma.CampaignUncheckedCreateInput, 'id' | 'createdAt'>;

/** Weekdays 1 (Monday) .. 7 (Sunday), local times in the lead's zone. */
export const DEFAULT_CALLING_WINDOWS = [
  { days: [1, 2, 3, 4, 5], from: '08:00', to: '21:00' },
  { days: [6], from: '09:00', to: '18:00' },
];

/**
 * The database refuses a zone it does not know (campaign_time_zone_known); the services' clock (Intl)
 * must know it too, or the campaign's calling windows could not be computed.
 */
export async function createCampaign(prisma: PrismaClient, input: NewCampaign) {
  new Intl.DateTimeFormat('en', { timeZone: input.timeZone });
  return prisma.campaign.create({ data: { callingWindows: DEFAULT_CALLING_WINDOWS, ...input } });
}
