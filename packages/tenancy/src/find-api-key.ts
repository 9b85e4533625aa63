import type { PrismaClient } from '@pronto/db';
import type { SecretBox } from './secret-box.ts';

export interface ActiveApiKey {
  keyId: string;
  tenantId: string;
  /** The current secret first, then the previous one while its rotation grace lasts. */
  secrets: string[];
  /** The tenant's intake rate limit. */
  rate: { perSecond: number; burst: number };
}

/** The secrets that verify requests for `keyId` right now, or null for an unknown or revoked key. */
export async function findApiKey(
  prisma: PrismaClient,
  box: SecretBox,
  keyId: string,
  now: Date,
): Promise<ActiveApiKey | null> {
  const key = await prisma.apiKey.findUnique({ where: { id: keyId }, include: { tenant: true } });
  if (!key || key.revokedAt) return null;
  const secrets = [box.open(key.secretCiphertext)];
  if (key.previousSecretCiphertext && key.previousSecretExpiresAt && key.previousSecretExpiresAt > now) {
    secrets.push(box.open(key.previousSecretCiphertext));
  }
  return {
    keyId,
    tenantId: key.tenantId,
    secrets,
    rate: { perSecond: key.tenant.rateLimitPerSecond, burst: key.tenant.rateLimitBurst },
  };
}
