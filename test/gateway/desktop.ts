import { TestSocket } from '@pronto/agent-gateway/testing';
import type { AgentUpdateV1 } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import { createAgent } from '@pronto/tenancy';

export type AgentUpdate = AgentUpdateV1['payload'];
type Message = { type: string } & Record<string, unknown>;

/** An agent who can sign in, in the group the test campaign calls. */
export async function addAgent(db: Database, tenantId: string, username: string) {
  const password = `${username}-password`;
  const agent = await createAgent(db.prisma, {
    tenantId,
    username,
    displayName: `Agent ${username}`,
    password,
    groups: ['loans'],
  });
  return { id: agent.id, username, password };
}

/** Signs in at a gateway over HTTP; the `pronto_agent=...` pair for a Cookie header. */
export async function signIn(baseUrl: string, agent: { username: string; password: string }) {
  const response = await fetch(`${baseUrl}/agent/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: agent.username, password: agent.password }),
  });
  if (response.status !== 200) throw new Error(`sign-in at ${baseUrl} answered ${response.status}`);
  const pair = response.headers.getSetCookie()[0]?.split(';')[0];
  if (!pair) throw new Error('no cookie');
  return pair;
}

/** A desktop's socket on the gateway at `baseUrl`, opened from that gateway's own page. */
export function openDesktop(baseUrl: string, cookie: string): Promise<TestSocket> {
  return TestSocket.open(`${baseUrl.replace('http', 'ws')}/agent/ws`, cookie, baseUrl);
}

/** The agent updates a desktop received, in order. */
export const updatesOf = (socket: TestSocket): AgentUpdate[] =>
  socket.messages
    .filter((message) => message.type === 'update')
    .map((message) => message.update as AgentUpdate);

/** The offer of `leadId`, or any offer, among what the desktop received. */
export function offerIn(socket: TestSocket, leadId?: string) {
  return updatesOf(socket).find(
    (update) => update.attempt?.stage === 'offered' && (!leadId || update.attempt.lead.leadId === leadId),
  );
}

/** Polls `found` every 20 ms until it returns something; fails naming `what` after `ms`. */
export async function waitFor<T>(
  what: string,
  found: () => T | undefined | Promise<T | undefined>,
  ms = 30_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await found();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends a heartbeat and waits for its answer: the gateway has seen the desktop alive now. */
export async function heartbeat(socket: TestSocket) {
  const answers = () => socket.messages.filter((message: Message) => message.type === 'heartbeat').length;
  const before = answers();
  socket.send({ type: 'heartbeat' });
  await waitFor('the heartbeat answer', () => answers() > before || undefined);
}

/** Inserts a queued lead of the campaign, due in five minutes on `now`. */
export async function queueLead(
  db: Database,
  lead: { tenantId: string; campaignId: string; phone: string; now: Date },
): Promise<string> {
  const at = lead.now.toISOString();
  const [row] = await db.sql.query<{ id: string }>(
    `INSERT INTO lead (tenant_id, campaign_id, phone_e164, name, status, score, time_zone, received_at,
                       last_intent_at, anchor_at, due_at, updated_at)
     VALUES ($1, $2, $3, 'Jan Kowalski', 'queued', 70, 'Europe/Warsaw', $4, $4, $4, $5, $4)
     RETURNING id`,
    [lead.tenantId, lead.campaignId, lead.phone, at, new Date(lead.now.getTime() + 300_000).toISOString()],
  );
  return row?.id as string;
}

/** The agent's state in the database. */
export async function stateOf(db: Database, agentId: string) {
  return (await db.prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).state;
}
