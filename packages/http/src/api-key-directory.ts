import type { SqlQueryable } from '@pronto/db';
import {
  type ActiveApiKey,
  type ActiveOperatorKey,
  activeApiKey,
  openSecrets,
  readClientKeys,
  readOperatorKeys,
  type SecretBox,
  type StoredKey,
} from '@pronto/tenancy';
import { coalescedReads } from './coalesced-reads.ts';

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
 * Every signed request reads its key's row (with its tenant), so a revoked key, a disabled tenant
 * or a rotation holds at once on every instance sharing the database (docs/operations.md, "API
 * keys"). Requests that arrive while a read is in flight share the next one (coalescedReads): one
 * query per round trip under load, and still none answered from before the request came. Only the
 * decryption of a sealed secret is remembered.
 */
export function createApiKeyDirectory(sql: SqlQueryable, box: SecretBox, now: () => Date): ApiKeyDirectory {
  const opener = secretOpener(box);
  const read = coalescedReads((keyIds) => readClientKeys(sql, keyIds));
  return {
    async find(keyId) {
      const key = await read(keyId);
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
  const read = coalescedReads((keyIds) => readOperatorKeys(sql, keyIds));
  return {
    async find(keyId) {
      const key = await read(keyId);
      if (!key || key.role === 'client') return null;
      return { keyId, role: key.role, tenantId: key.tenantId, secrets: opener.secrets(key, now()) };
    },
  };
}
