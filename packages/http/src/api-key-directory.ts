import type { PrismaClient } from '@pronto/db';
import { type ActiveApiKey, findApiKey, type SecretBox } from '@pronto/tenancy';
import { createCachedLookup } from './cached-lookup.ts';

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
  const find = createCachedLookup({
    load: (keyId) => findApiKey(prisma, box, keyId, now()),
    now: () => now().getTime(),
    ttlMs,
    missTtlMs: 5_000,
  });
  return { find };
}
