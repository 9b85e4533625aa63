import { randomBytes } from 'node:crypto';
import type { SqlQueryable } from '@pronto/db';
import {
  hashPassword,
  isWellFormedToken,
  newSessionToken,
  sessionTokenSha256,
  verifyPassword,
} from '@pronto/tenancy';

/** Who a session belongs to: what the dashboard shows, and whose reports it reads. */
export interface SignedInManager {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly displayName: string;
}

export interface ManagerSession {
  readonly manager: SignedInManager;
  /** The SHA-256 of the token: the session's id in the table and in the dashboard's streams. */
  readonly tokenSha256: string;
  readonly expiresAt: Date;
}

export interface ManagerSessions {
  /** How long a sign-in lasts (the cookie's max-age too). */
  readonly ttlMs: number;
  /** A new session and its token (for the cookie), or undefined for a wrong username or password. */
  signIn(username: string, password: string): Promise<{ session: ManagerSession; token: string } | undefined>;
  /** The live session of a cookie's token, or undefined when unknown or expired. */
  find(token: string): Promise<ManagerSession | undefined>;
  /** Ends the token's session; its SHA-256, to close what the session opened. */
  signOut(token: string): Promise<string>;
}

const MANAGER_COLUMNS = `m.id::text, m.tenant_id::text AS "tenantId", m.username, m.display_name AS "displayName"`;

/**
 * Managers' sign-in sessions, as agents' are kept: the table holds only the SHA-256 of each token,
 * so a copy of the database does not let anyone in.
 */
export function createManagerSessions(
  sql: SqlQueryable,
  now: () => Date,
  ttlMs = 12 * 3_600_000,
): ManagerSessions {
  // An unknown username costs one scrypt too, so the answer's timing does not tell which usernames exist.
  let decoy: Promise<string> | undefined;

  return {
    ttlMs,
    async signIn(username, password) {
      const [row] = await sql.query<SignedInManager & { passwordHash: string }>(
        `SELECT ${MANAGER_COLUMNS}, m.password_hash AS "passwordHash" FROM manager m WHERE m.username = $1`,
        [username],
      );
      decoy ??= hashPassword(randomBytes(16).toString('base64url'));
      const matches = await verifyPassword(password, row?.passwordHash ?? (await decoy));
      if (!row || !matches) return undefined;
      const { passwordHash: _, ...manager } = row;
      const { token, tokenSha256 } = newSessionToken();
      const at = now();
      const expiresAt = new Date(at.getTime() + ttlMs);
      // Sign-ins are rare; tidying the manager's expired sessions here keeps the table small without a timer.
      await sql.query('DELETE FROM manager_session WHERE manager_id = $1 AND expires_at <= $2', [
        manager.id,
        at.toISOString(),
      ]);
      await sql.query(
        'INSERT INTO manager_session (token_sha256, manager_id, expires_at) VALUES ($1, $2, $3)',
        [tokenSha256, manager.id, expiresAt.toISOString()],
      );
      return { session: { manager, tokenSha256, expiresAt }, token };
    },

    async find(token) {
      if (!isWellFormedToken(token)) return undefined;
      const tokenSha256 = sessionTokenSha256(token);
      const [row] = await sql.query<SignedInManager & { expiresAt: Date }>(
        `SELECT ${MANAGER_COLUMNS}, s.expires_at AS "expiresAt"
           FROM manager_session s JOIN manager m ON m.id = s.manager_id
          WHERE s.token_sha256 = $1 AND s.expires_at > $2`,
        [tokenSha256, now().toISOString()],
      );
      if (!row) return undefined;
      const { expiresAt, ...manager } = row;
      return { manager, tokenSha256, expiresAt: new Date(expiresAt) };
    },

    async signOut(token) {
      const tokenSha256 = sessionTokenSha256(token);
      await sql.query('DELETE FROM manager_session WHERE token_sha256 = $1', [tokenSha256]);
      return tokenSha256;
    },
  };
}
