import type { PrismaClient } from '@pronto/db';
import { type ActiveApiKey, findApiKey, type SecretBox } from '@pronto/tenancy';

export interface ApiKeyDirectory {
  find(keyId: string): Promise<ActiveApiKey | null>;
}

/**
 * Every request needs its key's secrets; reading and decrypting them each time would cost a round
 * trip per event. Answers are kept for `ttlMs`, so a rotation or revocation takes effect within it.
 * Unknown keys are remembered briefly too, so a flood of bad key ids does not reach the database.
 */
export function createApiKeyDirectory(
  prisma: PrismaClient,
  box: SecretBox,
  now: () => Date,
  ttlMs = 30_000,
): ApiKeyDirectory {
  const cache = new Map<string, { key: ActiveApiKey | null; until: number }>();
  return {
    async find(keyId) {
      const at = now().getTime();
      const hit = cache.get(keyId);
      if (hit && hit.until > at) return hit.key;
      const key = await findApiKey(prisma, box, keyId, now());
      if (cache.size > 10_000) cache.clear();
      cache.set(keyId, { key, until: at + (key ? ttlMs : 5_000) });
      return key;
    },
  };
}
