import type { SqlQueryable } from '@pronto/db';
import {
  type ActiveApiKey,
  type ActiveOperatorKey,
  activeApiKey,
  openSecrets,
  readClientKey,
  readOperatorKey,
  type SecretBox,
  type StoredKey,
} from '@pronto/tenancy';

export interface ApiKeyDirectory {
  find(keyId: string): Promise<ActiveApiKey | null>;
}

export interface OperatorKeyDirectory {
  find(keyId: string): Promise<ActiveOperatorKey | null>;
}

/** Opened secrets by their sealed text: a rotation seals a new text, so an entry is never stale. */
function secretOpener(box: SecretBox, maxEntries = 10_000) {
  const opened = new Map<string, string>();
  const open = (sealed: string) => {
    let secret = opened.get(sealed);
    if (secret === undefined) {
      secret = box.open(sealed);
      if (opened.size >= maxEntries) opened.clear();
      opened.set(sealed, secret);
    }
    return secret;
  };
  return {
    secrets: (key: StoredKey, now: Date) => openSecrets({ seal: box.seal, open }, key, now),
  };
}

/**
 * Every signed request reads its key's row by primary key (with its tenant), so a revoked key, a
 * disabled tenant or a rotation holds at once on every instance sharing the database
 * (docs/operations.md, "API keys"). Only the decryption of a sealed secret is remembered.
 */
export function createApiKeyDirectory(sql: SqlQueryable, box: SecretBox, now: () => Date): ApiKeyDirectory {
  const opener = secretOpener(box);
  return {
    async find(keyId) {
      const key = await readClientKey(sql, keyId);
      return key ? activeApiKey(key, opener.secrets(key, now())) : null;
    },
  };
}

/** The admin API's keys, read the same way: a revocation holds at once. */
export function createOperatorKeyDirectory(
  sql: SqlQueryable,
  box: SecretBox,
  now: () => Date,
): OperatorKeyDirectory {
  const opener = secretOpener(box);
  return {
    async find(keyId) {
      const key = await readOperatorKey(sql, keyId);
      if (!key || key.role === 'client') return null;
      return { keyId, role: key.role, tenantId: key.tenantId, secrets: opener.secrets(key, now()) };
    },
  };
}
