import { randomBytes } from 'node:crypto';
import type { SqlQueryable } from '@pronto/db';
import {
  hashPassword,
  isWellFormedToken,
  newSessionToken,
  sessionTokenSha256,
  verifyPassword,
} from '@pronto/tenancy';

/**
 * Who signs in on a browser surface, and where that is kept: agents (the desktop), managers and
 * admins (the console), and any later role with the same two tables. The accounts table has id,
 * tenant_id, username (unique), display_name, password_hash and disabled_at (a disabled account
 * neither signs in nor keeps its sessions); the sessions table token_sha256 (its key), the account's
 * id column and expires_at.
 */
export interface SessionRole {
  /** 'agent', 'manager': the answers' key (`{ "agent": ... }`), the logs' words and `<name>Id`. */
  readonly name: string;
  readonly accountsTable: string;
  readonly sessionsTable: string;
  /** The sessions table's column that names the account (agent_id). */
  readonly accountColumn: string;
  /** The cookie that carries the token, and the path it is sent back on. */
  readonly cookie: { readonly name: string; readonly path: string };
  /** Where a person signs in (POST), reads (GET) and ends (DELETE) a session. */
  readonly sessionPath: string;
  /** The accounts table's column that holds each account's own role (manager or admin); else `name`. */
  readonly roleColumn?: string;
}

/** Agents sign in on the desktop; their cookie goes back to /agent only. */
export const AGENT_ROLE: SessionRole = {
  name: 'agent',
  accountsTable: 'agent',
  sessionsTable: 'agent_session',
  accountColumn: 'agent_id',
  cookie: { name: 'pronto_agent', path: '/agent' },
  sessionPath: '/agent/session',
};

/**
 * Managers (one tenant) and admins (the installation, no tenant) sign in on the console; path `/`: the
 * same cookie reads GET /v1/reports/* (the CSV link) and calls the admin API (/v1/admin).
 */
export const MANAGER_ROLE: SessionRole = {
  name: 'manager',
  accountsTable: 'manager',
  sessionsTable: 'manager_session',
  accountColumn: 'manager_id',
  cookie: { name: 'pronto_manager', path: '/' },
  sessionPath: '/manager/session',
  roleColumn: 'role',
};

/** Who a session belongs to: what the page shows, and whose tenant it acts for. */
export interface SignedInUser {
  readonly id: string;
  /** The account's role: the SessionRole's name, or its own (`manager`, `admin`). */
  readonly role: string;
  /** Null for an admin, who acts for the installation. */
  readonly tenantId: string | null;
  readonly username: string;
  readonly displayName: string;
}

export interface Session {
  readonly user: SignedInUser;
  /** The SHA-256 of the token: the session's id in the table and in the service's memory. */
  readonly tokenSha256: string;
  readonly expiresAt: Date;
}

export interface Sessions {
  readonly role: SessionRole;
  /** How long a sign-in lasts (the cookie's max-age too). */
  readonly ttlMs: number;
  /** A new session and its token (for the cookie), or undefined for a wrong username or password. */
  signIn(username: string, password: string): Promise<{ session: Session; token: string } | undefined>;
  /** The live session of a cookie's token, or undefined when unknown or expired. */
  find(token: string): Promise<Session | undefined>;
  /** Ends the token's session; its SHA-256, to close what the session opened. */
  signOut(token: string): Promise<string>;
  /**
   * Which of these sessions (by SHA-256) still hold: not signed out, not expired, the account and
   * its tenant not disabled, the password not reset. What a long-lived connection re-checks.
   */
  live(tokenSha256s: readonly string[]): Promise<Set<string>>;
}

/**
 * A role's sign-in sessions. The table keeps only the SHA-256 of each token, so a copy of the
 * database does not let anyone in.
 */
export function createSessions(options: {
  role: SessionRole;
  sql: SqlQueryable;
  now: () => Date;
  /** Default 12 h. */
  ttlMs?: number;
}): Sessions {
  const { role, sql, now } = options;
  const ttlMs = options.ttlMs ?? 12 * 3_600_000;
  const roleOf = role.roleColumn ? `a.${role.roleColumn}` : `'${role.name}'`;
  const columns = `a.id::text, ${roleOf} AS role, a.tenant_id::text AS "tenantId", a.username, a.display_name AS "displayName"`;
  // A disabled account, or any account of a disabled tenant (an admin has none), neither signs in nor
  // keeps a session: checked at every request, so disabling holds at once on every instance.
  const enabled = `a.disabled_at IS NULL AND NOT EXISTS (SELECT 1 FROM tenant t WHERE t.id = a.tenant_id AND t.disabled_at IS NOT NULL)`;
  // An unknown username costs one scrypt too, so the answer's timing does not tell which usernames exist.
  let decoy: Promise<string> | undefined;

  return {
    role,
    ttlMs,
    async signIn(username, password) {
      const [row] = await sql.query<SignedInUser & { passwordHash: string }>(
        `SELECT ${columns}, a.password_hash AS "passwordHash" FROM ${role.accountsTable} a WHERE a.username = $1 AND ${enabled}`,
        [username],
      );
      decoy ??= hashPassword(randomBytes(16).toString('base64url'));
      const matches = await verifyPassword(password, row?.passwordHash ?? (await decoy));
      if (!row || !matches) return undefined;
      const { passwordHash: _, ...user } = row;
      const { token, tokenSha256 } = newSessionToken();
      const at = now();
      const expiresAt = new Date(at.getTime() + ttlMs);
      // Sign-ins are rare; tidying the account's expired sessions here keeps the table small without a timer.
      await sql.query(
        `DELETE FROM ${role.sessionsTable} WHERE ${role.accountColumn} = $1 AND expires_at <= $2`,
        [user.id, at.toISOString()],
      );
      await sql.query(
        `INSERT INTO ${role.sessionsTable} (token_sha256, ${role.accountColumn}, expires_at) VALUES ($1, $2, $3)`,
        [tokenSha256, user.id, expiresAt.toISOString()],
      );
      return { session: { user, tokenSha256, expiresAt }, token };
    },

    async find(token) {
      if (!isWellFormedToken(token)) return undefined;
      const tokenSha256 = sessionTokenSha256(token);
      const [row] = await sql.query<SignedInUser & { expiresAt: Date }>(
        `SELECT ${columns}, s.expires_at AS "expiresAt"
           FROM ${role.sessionsTable} s JOIN ${role.accountsTable} a ON a.id = s.${role.accountColumn}
          WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND ${enabled}`,
        [tokenSha256, now().toISOString()],
      );
      if (!row) return undefined;
      const { expiresAt, ...user } = row;
      return { user, tokenSha256, expiresAt: new Date(expiresAt) };
    },

    async live(tokenSha256s) {
      if (tokenSha256s.length === 0) return new Set();
      const rows = await sql.query<{ token: string }>(
        `SELECT s.token_sha256 AS token
           FROM ${role.sessionsTable} s JOIN ${role.accountsTable} a ON a.id = s.${role.accountColumn}
          WHERE s.token_sha256 = ANY($1::text[]) AND s.expires_at > $2 AND ${enabled}`,
        [tokenSha256s, now().toISOString()],
      );
      return new Set(rows.map((row) => row.token));
    },

    async signOut(token) {
      const tokenSha256 = sessionTokenSha256(token);
      await sql.query(`DELETE FROM ${role.sessionsTable} WHERE token_sha256 = $1`, [tokenSha256]);
      return tokenSha256;
    },
  };
}
