import type { Sql } from '@pronto/db';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGatewayPresence } from './gateway-presence.ts';
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

  it('keeps the row of an agent who connects while a renewal runs, and drops the row of one who left', async () => {
    harness = await startGatewayHarness();
    const h = harness;
    const [stays, left, late] = [await h.addAgent('ann'), await h.addAgent('bob'), await h.addAgent('cid')];
    // The renewal's statements, with a way to run something just before its DELETE: an agent's
    // socket that opens after the list of connected agents was read, before the rows are cleaned.
    let beforeDelete: (() => Promise<void>) | undefined;
    const sql = new Proxy(h.db.sql, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver);
        return async (text: string, params?: unknown[]) => {
          const hook = beforeDelete;
          if (hook && text.trimStart().startsWith('DELETE FROM agent_presence')) {
            beforeDelete = undefined;
            await hook();
          }
          return target.query(text, params);
        };
      },
    }) as Sql;
    const presence = createGatewayPresence({
      sql,
      logger: h.logger,
      instanceId: 'gw-renewing',
      now: h.now,
      leaseMs: 10_000,
    });
    const rows = async () =>
      (
        await h.db.sql.query<{ agent_id: string }>(
          `SELECT agent_id FROM agent_presence WHERE gateway_instance_id = 'gw-renewing'`,
        )
      ).map((row) => row.agent_id);
    try {
      await presence.renewIfDue([]);
      await presence.connected(stays.id);
      await presence.connected(left.id);
      h.advanceClock(4_000);
      // Bob's socket closed but his row is still there; Cid connects inside the renewal.
      beforeDelete = async () => {
        h.advanceClock(5);
        await presence.connected(late.id);
      };
      await presence.renewIfDue([stays.id]);
      expect(beforeDelete, 'the renewal ran its DELETE').toBeUndefined();
      expect((await rows()).sort()).toEqual([stays.id, late.id].sort());
    } finally {
      await presence.stop();
    }
  });
});
