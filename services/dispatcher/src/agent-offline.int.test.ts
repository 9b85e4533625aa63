import { afterEach, describe, expect, it } from 'vitest';
import { type DispatchFixture, dispatchFixture } from './testing/dispatch-fixture.ts';

let f: DispatchFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** A gateway instance as the gateway writes it: renewed now, its lease running 10 s from now. */
async function renew(fx: DispatchFixture, instanceId: string) {
  const at = fx.now();
  await fx.db.sql.query(
    `INSERT INTO gateway_instance (id, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $2, $3)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at`,
    [instanceId, at.toISOString(), new Date(at.getTime() + 10_000).toISOString()],
  );
}

/** The agent's socket on the instance, opened now. */
async function connect(fx: DispatchFixture, agentId: string, instanceId: string) {
  await fx.db.sql.query(
    'INSERT INTO agent_presence (agent_id, gateway_instance_id, connected_at) VALUES ($1, $2, $3)',
    [agentId, instanceId, fx.now().toISOString()],
  );
}

/** An agent holding an offer of a queued lead, connected through gateway instance `gw-a`. */
async function agentWithOffer(fx: DispatchFixture) {
  const dispatcher = await fx.start();
  await renew(fx, 'gw-a');
  await renew(fx, 'gw-b');
  const agentId = await fx.addAgent('ann');
  await connect(fx, agentId, 'gw-a');
  const leadId = await fx.addLead({ phone: '+48601000001', dueInSeconds: 300 });
  await dispatcher.runOnce();
  const offer = await fx.held(agentId);
  expect(offer?.leadId).toBe(leadId);
  return { agentId, leadId, offer };
}

describe("an agent's offline", () => {
  it('is ignored when the agent connected through a live gateway after the socket it is about ended; the offer stays', async () => {
    f = await dispatchFixture();
    const fx = f;
    const { agentId, leadId, offer } = await agentWithOffer(fx);
    // Gateway A stops (a rolling update): Ann's socket there ends now...
    const endedAt = fx.now().toISOString();
    // ... her desktop reconnects through B half a second later, and A's offline arrives after that.
    fx.clock.ms += 500;
    await connect(fx, agentId, 'gw-b');
    await fx.command(agentId, 'online');
    await fx.command(agentId, 'offline', { at: endedAt });

    expect((await fx.agent(agentId)).state).toBe('offered');
    expect(await fx.held(agentId)).toEqual(offer);
    const lead = await fx.lead(leadId);
    expect(lead.status).toBe('offered');
    expect(lead.history.map((entry) => entry.type)).not.toContain('offer_missed');
  });

  it('takes the agent offline and queues the offered lead again when no newer socket is on a live gateway', async () => {
    f = await dispatchFixture();
    const fx = f;
    const { agentId, leadId } = await agentWithOffer(fx);
    const endedAt = fx.now().toISOString();
    fx.clock.ms += 500;
    // A socket opened on B after that offline's time, but B stopped renewing: it proves nothing.
    await connect(fx, agentId, 'gw-b');
    await fx.db.sql.query(`UPDATE gateway_instance SET expires_at = $1 WHERE id = 'gw-b'`, [
      fx.now().toISOString(),
    ]);
    // Gateway A, where the agent connected before the offline's time, is still live.
    await fx.command(agentId, 'offline', { at: endedAt });

    expect((await fx.agent(agentId)).state).toBe('offline');
    expect(await fx.held(agentId)).toBeUndefined();
    const lead = await fx.lead(leadId);
    expect(lead.status).toBe('queued');
    expect(lead.history.map((entry) => [entry.type, (entry.detail as { why?: string }).why])).toContainEqual([
      'offer_missed',
      'agent_offline',
    ]);
  });
});
