import type { SqlQueryable } from '@pronto/db';
import type { SecretBox } from './secret-box.ts';

export interface ActiveApiKey {
  keyId: string;
  tenantId: string;
  /** The current secret first, then the previous one while its rotation grace lasts. */
  secrets: string[];
  /** The tenant's intake rate limit. */
  rate: { perSecond: number; burst: number };
}

/** A key of the admin API (/v1/admin): the installation's (`admin`) or one tenant's (`manager`). */
export interface ActiveOperatorKey {
  keyId: string;
  role: 'admin' | 'manager';
  /** Null for an `admin` key. */
  tenantId: string | null;
  secrets: string[];
}

/** The row a key check reads; the secrets are still sealed. */
export interface StoredKey {
  id: string;
  tenantId: string | null;
  role: 'client' | 'admin' | 'manager';
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | string | null;
  ratePerSecond: number | null;
  rateBurst: number | null;
}

const KEY_COLUMNS = `k.id, k.tenant_id::text AS "tenantId", k.secret_ciphertext AS "secretCiphertext"`;

const CLIENT_KEY_SELECT = `SELECT ${KEY_COLUMNS}, 'client' AS role, k.previous_secret_ciphertext AS "previousSecretCiphertext",
            k.previous_secret_expires_at AS "previousSecretExpiresAt",
            t.rate_limit_per_second AS "ratePerSecond", t.rate_limit_burst AS "rateBurst"
       FROM api_key k JOIN tenant t ON t.id = k.tenant_id`;

const OPERATOR_KEY_SELECT = `SELECT ${KEY_COLUMNS}, k.role, NULL AS "previousSecretCiphertext", NULL AS "previousSecretExpiresAt",
            NULL AS "ratePerSecond", NULL AS "rateBurst"
       FROM operator_key k LEFT JOIN tenant t ON t.id = k.tenant_id`;

/**
 * A client's event key, as it stands in the database now: null when unknown, revoked, or its
 * tenant disabled. One read by primary key, made for every signed request, so a revocation or a
 * disabled tenant holds at once on every instance.
 */
export async function readClientKey(sql: SqlQueryable, keyId: string): Promise<StoredKey | null> {
  return (await readKeys(sql, CLIENT_KEY_SELECT, [keyId])).get(keyId) ?? null;
}

/** Several client keys in one read, by id; as readClientKey for each. */
export async function readClientKeys(
  sql: SqlQueryable,
  keyIds: readonly string[],
): Promise<Map<string, StoredKey>> {
  return readKeys(sql, CLIENT_KEY_SELECT, keyIds);
}

/** Operator keys (the admin API's), by id, as they stand now: a key unknown, revoked, or of a disabled tenant is absent. */
export async function readOperatorKeys(
  sql: SqlQueryable,
  keyIds: readonly string[],
): Promise<Map<string, StoredKey>> {
  return readKeys(sql, OPERATOR_KEY_SELECT, keyIds);
}

async function readKeys(
  sql: SqlQueryable,
  select: string,
  keyIds: readonly string[],
): Promise<Map<string, StoredKey>> {
  const rows = await sql.query<StoredKey>(
    `${select} WHERE k.id = ANY($1::text[]) AND k.revoked_at IS NULL AND t.disabled_at IS NULL`,
    [keyIds],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** A client key's row as the signature check uses it, its secrets opened by `open`. */
export function activeApiKey(key: StoredKey, secrets: string[]): ActiveApiKey | null {
  if (!key.tenantId) return null;
  return {
    keyId: key.id,
    tenantId: key.tenantId,
    secrets,
    rate: { perSecond: Number(key.ratePerSecond), burst: Number(key.rateBurst) },
  };
}

/** The secrets of a stored key that verify requests at `now`: the current one, then the previous one in its grace. */
export function openSecrets(box: SecretBox, key: StoredKey, now: Date): string[] {
  const secrets = [box.open(key.secretCiphertext)];
  const graceEnds = key.previousSecretExpiresAt ? new Date(key.previousSecretExpiresAt) : null;
  if (key.previousSecretCiphertext && graceEnds && graceEnds > now) {
    secrets.push(box.open(key.previousSecretCiphertext));
  }
  return secrets;
}

/** The secrets that verify requests for `keyId` right now, or null for an unknown or revoked key (or a disabled tenant's). */
export async function findApiKey(
  sql: SqlQueryable,
  box: SecretBox,
  keyId: string,
  now: Date,
): Promise<ActiveApiKey | null> {
  const key = await readClientKey(sql, keyId);
  return key ? activeApiKey(key, openSecrets(box, key, now)) : null;
}
