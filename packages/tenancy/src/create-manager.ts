import type { SqlQueryable } from '@pronto/db';
import { hashPassword } from './agent-password.ts';

export interface NewManager {
  tenantId: string;
  /** Unique across tenants: managers sign in with it alone. */
  username: string;
  displayName: string;
  /** Kept only as its scrypt hash. */
  password: string;
}

export interface CreatedManager {
  id: string;
  tenantId: string;
  username: string;
  displayName: string;
}

/**
 * Creates a manager who can sign in to the dashboard (/manager) and read the tenant's reports. With
 * `ifMissing`, a manager of that username already there is left as it is (a demo seeded at every
 * start) and undefined is returned.
 */
export async function createManager(
  sql: SqlQueryable,
  input: NewManager,
  options: { ifMissing?: boolean } = {},
): Promise<CreatedManager | undefined> {
  const [row] = await sql.query<CreatedManager>(
    `INSERT INTO manager (tenant_id, username, display_name, password_hash)
     VALUES ($1, $2, $3, $4)
     ${options.ifMissing ? 'ON CONFLICT (username) DO NOTHING' : ''}
     RETURNING id::text, tenant_id::text AS "tenantId", username, display_name AS "displayName"`,
    [input.tenantId, input.username, input.displayName, await hashPassword(input.password)],
  );
  return row;
}
