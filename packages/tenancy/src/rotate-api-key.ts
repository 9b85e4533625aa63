import type { PrismaClient } from '@pronto/db';
import { generateSecret } from './issue-api-key.ts';
import type { SecretBox } from './secret-box.ts';

/**
 * Gives a key a new secret and keeps the old one valid for `graceSeconds`, so a client can roll
 * out the new secret without a moment in which its requests are refused.
 */
export async function rotateApiKey(
  prisma: PrismaClient,
  box: SecretBox,
  input: { keyId: string; now: Date; graceSeconds?: number; secret?: string },
): Promise<{ keyId: string; secret: string; previousValidUntil: Date }> {
  const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: input.keyId } });
  const secret = input.secret ?? generateSecret();
  const previousValidUntil = new Date(input.now.getTime() + (input.graceSeconds ?? 86_400) * 1000);
  await prisma.apiKey.update({
    where: { id: input.keyId },
    data: {
      secretCiphertext: box.seal(secret),
      previousSecretCiphertext: key.secretCiphertext,
      previousSecretExpiresAt: previousValidUntil,
      rotatedAt: input.now,
    },
  });
  return { keyId: input.keyId, secret, previousValidUntil };
}
