import { randomBytes } from 'node:crypto';
import type { SqlQueryable } from '@pronto/db';
import { generateSecret } from './issue-api-key.ts';
import type { SecretBox } from './secret-box.ts';

export interface NewOperatorKey {
  /** `admin`: the installation (no tenant); `manager`: one tenant. */
  role: 'admin' | 'manager';
  tenantId: string | null;
  /** Default: `op_` and 12 random characters. */
  keyId?: string;
  name?: string | null;
  /** Default: a new random secret. */
  secret?: string;
  /** When it was made (default: the database's clock). */
  createdAt?: Date;
}

/** A new id for an operator key: easy to tell from a client's event key in a log line. */
export const newOperatorKeyId = () => `op_${randomBytes(9).toString('base64url')}`;

/** Creates a key of the admin API and returns its secret: the only time it is handed out in clear. */
export async function issueOperatorKey(
  sql: SqlQueryable,
  box: SecretBox,
  input: NewOperatorKey,
): Promise<{ keyId: string; secret: string }> {
  const keyId = input.keyId ?? newOperatorKeyId();
  const secret = input.secret ?? generateSecret();
  await sql.query(
    `INSERT INTO operator_key (id, role, tenant_id, name, secret_ciphertext, created_at)
     VALUES ($1, $2, $3::uuid, $4, $5, COALESCE($6::timestamptz, now()))`,
    [
      keyId,
      input.role,
      input.tenantId,
      input.name ?? null,
      box.seal(secret),
      input.createdAt?.toISOString() ?? null,
    ],
  );
  return { keyId, secret };
}
