import type { Prisma, PrismaClient } from '@pronto/db';

export type NewTenant = Pick<
  Prisma.TenantCreateInput,
  'slug' | 'name' | 'rateLimitPerSecond' | 'rateLimitBurst'
>;

export async function createTenant(prisma: PrismaClient, input: NewTenant) {
  return prisma.tenant.create({ data: input });
}
