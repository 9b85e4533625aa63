import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@pronto/db';
import type { SecretBox } from './secret-box.ts';

/** A new random secret: 32 bytes, URL-safe, with a prefix that makes it easy to spot in a leak scan. */
export function generateSecret(): string {
  return `prs_${randomBytes(32).toString('base64url')}`;
}

/** Creates a key for a tenant and returns its secret: the only time it is handed out in clear. */
export async function issueApiKey(
  prisma: PrismaClient,
  box: SecretBox,
  input: { tenantId: string; keyId: string; secret?: string },
): Promise<{ keyId: string; secret: string }> {
  const secret = input.secret ?? generateSecret();
  await prisma.apiKey.create({
    data: { id: input.keyId, tenantId: input.tenantId, secretCiphertext: box.seal(secret) },
  });
  return { keyId: input.keyId, secret };
}
