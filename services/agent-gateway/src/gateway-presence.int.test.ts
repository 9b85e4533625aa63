import { afterEach, describe, expect, it, vi } from 'vitest';
import { agentUpdate, type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts';

let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const WAIT = { timeout: 10_000, interval: 10 };

async function rowsOf(h: GatewayHarness) {
  const instances = await h.db.sql.query<{ id: string; expires_at: Date }>(
    'SELECT id, expires_at FROM gateway_instance',
  );
  const presence = await h.db.sql.query<{ agent_id: string; gateway_instance_id: string }>(
    'SELECT agent_id, gateway_instance_id FROM agent_presence',
  );
  return { instances, presence };
}

describe("the gateway instance's presence rows", () => {
  it('records an agent before its online, renews its lease every third of it, removes the agent after its offline, and itself on close', async () => {
    harness = await startGatewayHarness();
    const h = harness;
    const { instanceId } = h.gateway;
    const started = h.now().getTime();
    expect((await rowsOf(h)).instances).toEqual([{ id: instanceId, expires_at: new Date(started + 10_000) }]);

    const agent = await h.addAgent('ann');
    const socket = await h.openSocket(await h.signIn('ann'));
    await h.command((command) => command.command === 'online');
    expect((await rowsOf(h)).presence).toEqual([{ agent_id: agent.id, gateway_instance_id: instanceId }]);

    // Less than a third of the lease: nothing renewed; past it, the lease runs from now.
    h.advanceClock(3_000);
    await h.gateway.sweep();
    expect((await rowsOf(h)).instances[0]?.expires_at).toEqual(new Date(started + 10_000));
    h.advanceClock(1_000);
    await h.gateway.sweep();
    expect((await rowsOf(h)).instances[0]?.expires_at).toEqual(new Date(started + 14_000));

    socket.close();
    await h.command((command) => command.command === 'offline');
    await vi.waitFor(async () => expect((await rowsOf(h)).presence).toEqual([]), WAIT);

    await h.gateway.close();
    expect(await rowsOf(h)).toEqual({ instances: [], presence: [] });
  });

  it('says online again when the dispatcher shows its connected agent offline, once per such update', async () => {
    harness = await startGatewayHarness();
    const h = harness;
    const agent = await h.addAgent('ann');
    const socket = await h.openSocket(await h.signIn('ann'));
    await h.command((command) => command.command === 'online');
    const known = { id: agent.id, tenantId: h.tenantId };
    await h.publishUpdate(agentUpdate(known, 5, null));
    await socket.next((message) => message.type === 'update');
    // A late offline from an instance the agent left (or the sweep of a lease this one let lapse).
    await h.publishUpdate({ ...agentUpdate(known, 6, null), state: 'offline', reason: 'offline' });
    await vi.waitFor(() => {
      expect(h.commands.filter((command) => command.payload.command === 'online')).toHaveLength(2);
    }, WAIT);
    // The same update again (the bus delivers at least once) changes nothing.
    await h.publishUpdate({ ...agentUpdate(known, 6, null), state: 'offline', reason: 'offline' });
    await h.publishUpdate(agentUpdate(known, 7, null));
    await vi.waitFor(
      () => expect(socket.messages.filter((message) => message.type === 'update')).toHaveLength(3),
      WAIT,
    );
    expect(h.commands.map((command) => command.payload.command)).toEqual(['online', 'online']);
  });
});
