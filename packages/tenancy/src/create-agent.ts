import type { PrismaClient } from '@pronto/db';
import { hashPassword } from './agent-password.ts';

export interface NewAgent {
  tenantId: string;
  /** Unique across tenants: agents sign in with it alone. */
  username: string;
  displayName: string;
  /** Kept only as its scrypt hash. */
  password: string;
  /** Agent groups, as campaigns name them (primary and backup groups). */
  groups: string[];
  /** Where the dialer rings the agent, e.g. PJSIP/agent-7. */
  sipEndpoint?: string;
}

/** Creates an agent who can sign in to the desktop; the agent starts offline. */
export async function createAgent(prisma: PrismaClient, input: NewAgent) {
  return prisma.agent.create({
    data: {
      tenantId: input.tenantId,
      username: input.username,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password),
      groups: input.groups,
      sipEndpoint: input.sipEndpoint ?? null,
    },
  });
}
