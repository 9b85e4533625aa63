import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@pronto/db';
import {
  hashPassword,
  isWellFormedToken,
  newSessionToken,
  sessionTokenSha256,
  verifyPassword,
} from '@pronto/tenancy';

/** Who a session belongs to: what the desktop shows, and what commands carry. */
export interface SignedInAgent {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly displayName: string;
}

export interface Session {
  readonly agent: SignedInAgent;
  /** The SHA-256 of the token: the session's id in the table and in the gateway's memory. */
  readonly tokenSha256: string;
  readonly expiresAt: Date;
}

export interface Sessions {
  /** A new session and its token (for the cookie), or undefined for a wrong username or password. */
  signIn(username: string, password: string): Promise<{ session: Session; token: string } | undefined>;
  /** The live session of a cookie's token, or undefined when unknown or expired. */
  find(token: string): Promise<Session | undefined>;
  /** Ends the token's session; its SHA-256, to close what the session opened. */
  signOut(token: string): Promise<string>;
}

const AGENT_FIELDS = { id: true, tenantId: true, username: true, displayName: true } as const;

/**
 * Agents' sign-in sessions. The table keeps only the SHA-256 of each token, so a copy of the
 * database does not let anyone in.
 */
export function createSessions(prisma: PrismaClient, now: () => Date, ttlMs: number): Sessions {
  // An unknown username costs one scrypt too, so the answer's timing does not tell which usernames exist.
  const decoy = hashPassword(randomBytes(16).toString('base64url'));

  return {
    async signIn(username, password) {
      const agent = await prisma.agent.findUnique({
        where: { username },
        select: { ...AGENT_FIELDS, passwordHash: true },
      });
      const matches = await verifyPassword(password, agent?.passwordHash ?? (await decoy));
      if (!agent || !matches) return undefined;
      const { token, tokenSha256 } = newSessionToken();
      const at = now();
      const expiresAt = new Date(at.getTime() + ttlMs);
      const { passwordHash: _, ...signedIn } = agent;
      // Sign-ins are rare; tidying the agent's expired sessions here keeps the table small without a timer.
      await prisma.agentSession.deleteMany({ where: { agentId: agent.id, expiresAt: { lte: at } } });
      await prisma.agentSession.create({ data: { tokenSha256, agentId: agent.id, expiresAt } });
      return { session: { agent: signedIn, tokenSha256, expiresAt }, token };
    },

    async find(token) {
      if (!isWellFormedToken(token)) return undefined;
      const tokenSha256 = sessionTokenSha256(token);
      const row = await prisma.agentSession.findUnique({
        where: { tokenSha256 },
        select: { expiresAt: true, agent: { select: AGENT_FIELDS } },
      });
      if (!row || row.expiresAt.getTime() <= now().getTime()) return undefined;
      return { agent: row.agent, tokenSha256, expiresAt: row.expiresAt };
    },

    async signOut(token) {
      const tokenSha256 = sessionTokenSha256(token);
      await prisma.agentSession.deleteMany({ where: { tokenSha256 } });
      return tokenSha256;
    },
  };
}
