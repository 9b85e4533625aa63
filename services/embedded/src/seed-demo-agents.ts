import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrismaClient } from '@pronto/db';
import { hashPassword } from '@pronto/tenancy';

/** The demo campaign's agent groups: the bots and the people work the primary one; people back it up too. */
export const DEMO_GROUPS = { primary: 'cash-loan', backup: 'backup' } as const;
/** People who sign in at /agent in the demo. */
const DEMO_PEOPLE = [
  { username: 'agent1', displayName: 'Ola Kowalska' },
  { username: 'agent2', displayName: 'Piotr Zielinski' },
];

export interface DemoAgents {
  /** The demo sign-ins for people, printed at start. */
  readonly people: readonly { username: string; password: string }[];
  /** The simulated agents' sign-ins, used only by the bots in this process. */
  readonly bots: readonly { username: string; password: string }[];
}

/**
 * The demo's agents: two people who can sign in at /agent (their password is generated once, kept
 * in <data>/demo-agent-password, mode 0600) and `bots` simulated agents (bot1, bot2, ...), whose
 * passwords are new on every start since only this process uses them.
 */
export async function seedDemoAgents(
  prisma: PrismaClient,
  options: {
    tenantId: string;
    dataDir: string;
    bots: number;
    sipEndpoints?: Readonly<Record<string, string>>;
  },
): Promise<DemoAgents> {
  const password = await demoPassword(options.dataDir);
  // Created once; skipDuplicates (ON CONFLICT DO NOTHING) also copes with two processes seeding one
  // PostgreSQL database at the same moment.
  const missing = [];
  for (const person of DEMO_PEOPLE) {
    if (await prisma.agent.findUnique({ where: { username: person.username } })) continue;
    missing.push({
      tenantId: options.tenantId,
      username: person.username,
      displayName: person.displayName,
      passwordHash: await hashPassword(password),
      groups: [DEMO_GROUPS.primary, DEMO_GROUPS.backup],
    });
  }
  if (missing.length > 0) await prisma.agent.createMany({ data: missing, skipDuplicates: true });
  const people = DEMO_PEOPLE.map((person) => ({ username: person.username, password }));
  const bots = [];
  for (let n = 1; n <= options.bots; n++) {
    const username = `bot${n}`;
    const botPassword = randomBytes(18).toString('base64url');
    const passwordHash = await hashPassword(botPassword);
    await prisma.agent.upsert({
      where: { username },
      create: {
        tenantId: options.tenantId,
        username,
        displayName: `Demo agent ${n}`,
        passwordHash,
        groups: [DEMO_GROUPS.primary],
      },
      update: { passwordHash },
    });
    bots.push({ username, password: botPassword });
  }
  // With DIALER=asterisk the dialer rings each agent's own phone first; the demo agents have none
  // unless given here (a real deployment sets agent.sip_endpoint).
  for (const [username, sipEndpoint] of Object.entries(options.sipEndpoints ?? {})) {
    const { count } = await prisma.agent.updateMany({
      where: { tenantId: options.tenantId, username },
      data: { sipEndpoint },
    });
    if (count === 0) {
      throw new Error(
        `PRONTO_DEMO_SIP_ENDPOINTS names "${username}", who is not a demo agent (agent1, agent2, bot1...bot${options.bots})`,
      );
    }
  }
  return { people, bots };
}

/** Parses `agent1=PJSIP/agent1001,bot1=PJSIP/agent1003` into username -> endpoint. */
export function parseSipEndpoints(value: string | undefined): Record<string, string> {
  if (!value) return {};
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const [username = '', endpoint = ''] = pair.split('=');
      return [username.trim(), endpoint.trim()];
    }),
  );
}

/** The demo's people's password (agents and the manager): generated once, kept in <data>/demo-agent-password. */
export async function demoPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'demo-agent-password');
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const password = randomBytes(9).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}
