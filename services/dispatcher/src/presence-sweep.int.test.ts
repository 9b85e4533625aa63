import { afterEach, describe, expect, it } from 'vitest';
import { createPresenceSweep, PRESENCE_SWEEP_MS, sweepPresence } from './presence-sweep.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { type DispatchFixture, dispatchFixture } from './testing/dispatch-fixture.ts';

let f: DispatchFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const LEASE_MS = 10_000;

/** A gateway instance as the gateway writes it: renewed now, its lease from now. */
async function renew(fx: DispatchFixture, instanceId: string) {
  const at = fx.now();
  await fx.db.sql.query(
    `INSERT INTO gateway_instance (id, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $2, $3)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at`,
    [instanceId, at.toISOString(), new Date(at.getTime() + LEASE_MS).toISOString()],
  );
}

async function present(fx: DispatchFixture, agentId: string, instanceId: string) {
  await fx.db.sql.query(
    'INSERT INTO agent_presence (agent_id, gateway_instance_id, connected_at) VALUES ($1, $2, $3)',
    [agentId, instanceId, fx.now().toISOString()],
  );
}

const rowsOf = async (fx: DispatchFixture, agentId: string) =>
  (
    await fx.db.sql.query<{ gateway_instance_id: string }>(
      'SELECT gateway_instance_id FROM agent_presence WHERE agent_id = $1 ORDER BY 1',
      [agentId],
    )
  ).map((row) => row.gateway_instance_id);

describe('the presence sweep', () => {
  it("takes offline, once its gateway's lease has passed, an agent connected only there; its offered lead is queued again", async () => {
    f = await dispatchFixture();
    const fx = f;
    const dispatcher = await fx.start();
    const lost = await fx.addAgent('on-dead-gateway');
    const both = await fx.addAgent('on-both');
    const direct = await fx.addAgent('no-gateway');
    await renew(fx, 'gw-dead');
    await renew(fx, 'gw-live');
    await present(fx, lost, 'gw-dead');
    await present(fx, both, 'gw-dead');
    await present(fx, both, 'gw-live');
    const leadId = await fx.addLead({ phone: '+48601000001', dueInSeconds: 300 });
    await fx.command(both, 'pause', { reason: 'lunch' });
    await fx.command(direct, 'pause', { reason: 'lunch' });
    await dispatcher.runOnce();
    expect((await fx.held(lost))?.leadId).toBe(leadId);

    // gw-dead stops renewing; gw-live goes on. Within the lease nothing happens...
    fx.advance(9);
    await renew(fx, 'gw-live');
    expect(
      await sweepPresence({ db: fx.db, settings: DEFAULT_SETTINGS, logger: fx.logger, now: fx.now() }),
    ).toBe(0);
    expect((await fx.agent(lost)).state).toBe('offered');
    // ... past it, the agent connected only to the dead instance is offline and its lead queued again.
    fx.advance(2);
    await renew(fx, 'gw-live');
    expect(
      await sweepPresence({ db: fx.db, settings: DEFAULT_SETTINGS, logger: fx.logger, now: fx.now() }),
    ).toBe(1);
    expect((await fx.agent(lost)).state).toBe('offline');
    const lead = await fx.lead(leadId);
    expect(lead.status).toBe('queued');
    expect(lead.history.map((entry) => [entry.type, (entry.detail as { why?: string }).why])).toContainEqual([
      'offer_missed',
      'agent_offline',
    ]);
    // The agent still connected to a live instance stays as it was; the agent driven without a
    // gateway is left alone; the dead instance and its rows are gone.
    expect((await fx.agent(both)).state).toBe('paused');
    expect((await fx.agent(direct)).state).toBe('paused');
    expect(await rowsOf(fx, lost)).toEqual([]);
    expect(await rowsOf(fx, both)).toEqual(['gw-live']);
    const instances = await fx.db.sql.query<{ id: string }>('SELECT id FROM gateway_instance ORDER BY id');
    expect(instances.map((row) => row.id)).toEqual(['gw-live']);
  });

  it("runs in the dispatcher's round at most every 2 s of its clock", async () => {
    f = await dispatchFixture();
    const fx = f;
    const agentId = await fx.addAgent('on-dead-gateway');
    await renew(fx, 'gw-dead');
    await present(fx, agentId, 'gw-dead');
    const sweep = createPresenceSweep({ db: fx.db, settings: DEFAULT_SETTINGS, logger: fx.logger });
    fx.advance(9);
    expect(await sweep.sweepIfDue(fx.now()), 'within the lease').toBe(0);
    // The lease has passed, but the last sweep is less than PRESENCE_SWEEP_MS old: not yet.
    fx.advance(1.5);
    expect(await sweep.sweepIfDue(fx.now())).toBe(0);
    expect((await fx.agent(agentId)).state).toBe('available');
    fx.clock.ms += PRESENCE_SWEEP_MS - 1_500;
    expect(await sweep.sweepIfDue(fx.now())).toBe(1);
    expect((await fx.agent(agentId)).state).toBe('offline');
  });
});
