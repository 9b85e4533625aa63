import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  agentUpdate,
  type GatewayHarness,
  refusedUpgrade,
  startGatewayHarness,
  TestSocket,
} from './testing/gateway-harness.ts';

const ATTEMPT = '0f8fad5b-d9cb-469f-a165-70867728950e';

let h: GatewayHarness;
beforeEach(async () => {
  h = await startGatewayHarness();
});
afterEach(async () => h.close());

const wsUrl = () => `${h.baseUrl.replace('http', 'ws')}/agent/ws`;

async function connectedAgent(username = 'anna') {
  const agent = await h.addAgent(username);
  const cookie = await h.signIn(username);
  const socket = await h.openSocket(cookie);
  await socket.next((message) => message.type === 'hello');
  return { agent: { ...agent, tenantId: h.tenantId }, cookie, socket };
}

describe('GET /agent/ws', () => {
  it('refuses the upgrade with a 401 problem without a valid session', async () => {
    const origin = h.baseUrl;
    expect(await refusedUpgrade(wsUrl(), { origin })).toEqual({
      status: 401,
      contentType: 'application/problem+json; charset=utf-8',
    });
    const forged = { origin, cookie: `pronto_agent=${'x'.repeat(43)}` };
    expect((await refusedUpgrade(wsUrl(), forged)).status).toBe(401);
  });

  it("refuses with a 403 problem a socket opened without Origin or from another site's page, even with the agent's cookie", async () => {
    await h.addAgent('anna');
    const cookie = await h.signIn('anna');
    const port = new URL(h.baseUrl).port;
    const refused = { status: 403, contentType: 'application/problem+json; charset=utf-8' };
    expect(await refusedUpgrade(wsUrl(), { cookie })).toEqual(refused);
    // Another port of the same host is another origin: the page that took the offer in the probe.
    expect(await refusedUpgrade(wsUrl(), { cookie, origin: 'http://127.0.0.1:1' })).toEqual(refused);
    expect(await refusedUpgrade(wsUrl(), { cookie, origin: `https://127.0.0.1:${port}` })).toEqual(refused);
    expect(await refusedUpgrade(wsUrl(), { cookie, origin: 'null' })).toEqual(refused);
    expect(await refusedUpgrade(wsUrl(), { cookie, origin: 'https://evil.example' })).toEqual(refused);
    // No offer reached anyone: the agent never came online.
    expect(h.gateway.connectedAgents()).toEqual([]);
    expect(h.commands).toEqual([]);
    // The desktop's own origin, as 127.0.0.1 or localhost, is let in.
    const socket = await h.openSocket(cookie);
    await socket.next((message) => message.type === 'hello');
    const viaLocalhost = await TestSocket.open(wsUrl(), cookie, `http://localhost:${port}`);
    await viaLocalhost.next((message) => message.type === 'hello');
    viaLocalhost.terminate();
  });

  it('says hello and tells the dispatcher that the agent is online', async () => {
    const { agent, socket } = await connectedAgent();
    expect(socket.messages[0]).toEqual({
      type: 'hello',
      agent: { id: agent.id, username: 'anna', displayName: 'Agent anna' },
      heartbeatIntervalMs: 5_000,
      serverTime: h.now().toISOString(),
    });
    const online = await h.command((command) => command.command === 'online');
    expect(online).toEqual({
      agentId: agent.id,
      tenantId: h.tenantId,
      command: 'online',
      at: h.now().toISOString(),
    });
    expect(h.commands[0]?.key).toBe(agent.id);
    expect(h.gateway.connectedAgents()).toEqual([agent.id]);
  });
});

describe('updates from the dispatcher', () => {
  it('forwards the newest update to the agent, ignores older ones, and replays the newest on a new socket', async () => {
    const { agent, cookie, socket } = await connectedAgent();
    await h.publishUpdate(agentUpdate(agent, 3, 'offered', ATTEMPT));
    const offered = await socket.next((message) => message.type === 'update');
    expect(offered).toEqual({
      type: 'update',
      update: agentUpdate(agent, 3, 'offered', ATTEMPT),
      serverTime: h.now().toISOString(),
    });
    await h.publishUpdate(agentUpdate(agent, 2, null));
    await h.publishUpdate(agentUpdate(agent, 4, 'dialing', ATTEMPT));
    await socket.next(
      (message) =>
        message.type === 'update' && (message.update as { agentVersion: number }).agentVersion === 4,
    );
    const versions = socket.messages
      .filter((message) => message.type === 'update')
      .map((message) => (message.update as { agentVersion: number }).agentVersion);
    expect(versions).toEqual([3, 4]);

    const again = await h.openSocket(cookie);
    await again.next((message) => message.type === 'update');
    expect(again.messages.map((message) => message.type)).toEqual(['hello', 'update']);
    expect(again.messages[1]).toMatchObject({ update: { agentVersion: 4 } });
  });
});

describe('commands from the desktop', () => {
  it('publishes accept and disposition and acknowledges each by its ref', async () => {
    const { agent, socket } = await connectedAgent();
    socket.send({ type: 'accept', attemptId: ATTEMPT, ref: 'a1' });
    expect(await socket.next((message) => message.ref === 'a1')).toEqual({
      type: 'ack',
      ref: 'a1',
      serverTime: h.now().toISOString(),
    });
    expect(await h.command((command) => command.command === 'accept')).toEqual({
      agentId: agent.id,
      tenantId: h.tenantId,
      command: 'accept',
      attemptId: ATTEMPT,
      at: h.now().toISOString(),
    });
    const disposition = { code: 'sale', value: 18_000, currency: 'PLN', note: 'pre-approved' };
    socket.send({ type: 'disposition', attemptId: ATTEMPT, disposition, ref: 'd1' });
    expect(await socket.next((message) => message.ref === 'd1')).toMatchObject({ type: 'ack' });
    expect(await h.command((command) => command.command === 'disposition')).toMatchObject({
      attemptId: ATTEMPT,
      disposition,
    });
    socket.send({ type: 'pause', reason: 'lunch', ref: 'p1' });
    await socket.next((message) => message.ref === 'p1');
    socket.send({ type: 'resume', ref: 'r1' });
    await socket.next((message) => message.ref === 'r1');
    await h.command((command) => command.command === 'resume');
    expect(h.commands.map((command) => command.payload.command)).toEqual([
      'online',
      'accept',
      'disposition',
      'pause',
      'resume',
    ]);
    expect(h.commands[3]?.payload.reason).toBe('lunch');
  });

  it('answers an invalid command with an error naming the field, and sends nothing on', async () => {
    const { socket } = await connectedAgent();
    const answer = async (message: object | string, ref: string) => {
      socket.send(message);
      return socket.next((received) => received.ref === ref);
    };
    expect(
      await answer(
        { type: 'disposition', attemptId: ATTEMPT, disposition: { code: 'sale' }, ref: 'e1' },
        'e1',
      ),
    ).toEqual({
      type: 'error',
      ref: 'e1',
      title: 'The command has invalid fields',
      detail: 'A sale needs its value.',
      field: 'disposition.value',
    });
    expect(
      await answer(
        { type: 'disposition', attemptId: ATTEMPT, disposition: { code: 'callback' }, ref: 'e2' },
        'e2',
      ),
    ).toMatchObject({ type: 'error', field: 'disposition.callbackAt' });
    expect(
      await answer(
        { type: 'disposition', attemptId: ATTEMPT, disposition: { code: 'maybe' }, ref: 'e3' },
        'e3',
      ),
    ).toMatchObject({ type: 'error', field: 'disposition.code' });
    expect(await answer({ type: 'accept', ref: 'e4' }, 'e4')).toMatchObject({
      type: 'error',
      field: 'attemptId',
    });
    expect(await answer({ type: 'accept', attemptId: 'not-an-id', ref: 'e5' }, 'e5')).toMatchObject({
      type: 'error',
      field: 'attemptId',
    });
    expect(await answer({ type: 'dance', ref: 'e6' }, 'e6')).toMatchObject({
      type: 'error',
      title: 'Unknown command',
      field: 'type',
    });
    socket.send('{not json');
    expect(
      await socket.next((message) => message.type === 'error' && message.ref === undefined),
    ).toMatchObject({
      title: 'The message is not valid JSON',
    });
    // A valid command after the bad ones: once it is on the bus, nothing else was sent before it.
    socket.send({ type: 'hangup', attemptId: ATTEMPT, ref: 'ok' });
    await socket.next((message) => message.ref === 'ok' && message.type === 'ack');
    await h.command((command) => command.command === 'hangup');
    expect(h.commands.map((command) => command.payload.command)).toEqual(['online', 'hangup']);
  });

  it('answers a heartbeat with the server time', async () => {
    const { socket } = await connectedAgent();
    socket.send({ type: 'heartbeat' });
    expect(await socket.next((message) => message.type === 'heartbeat')).toEqual({
      type: 'heartbeat',
      serverTime: h.now().toISOString(),
    });
  });
});

describe('one socket per agent', () => {
  it('closes the older socket with 4409 when a new one opens, without marking the agent offline', async () => {
    const { agent, cookie, socket: first } = await connectedAgent();
    const second = await h.openSocket(cookie);
    await second.next((message) => message.type === 'hello');
    expect((await first.closed).code).toBe(4409);
    // The second socket's command lands after anything the first one's close could have published.
    second.send({ type: 'pause', reason: 'coffee', ref: 'p' });
    await second.next((message) => message.ref === 'p');
    await h.command((command) => command.command === 'pause');
    expect(h.commands.map((command) => command.payload.command)).toEqual(['online', 'online', 'pause']);
    expect(h.gateway.connectedAgents()).toEqual([agent.id]);
    expect(second.isOpen).toBe(true);
  });

  it('marks the agent offline when the desktop closes its socket', async () => {
    const { agent, socket } = await connectedAgent();
    socket.close();
    expect(await h.command((command) => command.command === 'offline')).toMatchObject({ agentId: agent.id });
    expect(h.gateway.connectedAgents()).toEqual([]);
  });

  it('closes the socket with 4401 when its session signs out, marking the agent offline', async () => {
    const { agent, cookie, socket } = await connectedAgent();
    const other = await connectedAgent('bob');
    await fetch(`${h.baseUrl}/agent/session`, { method: 'DELETE', headers: { cookie } });
    expect((await socket.closed).code).toBe(4401);
    expect(await h.command((command) => command.command === 'offline')).toMatchObject({ agentId: agent.id });
    expect(other.socket.isOpen).toBe(true);
    expect(h.gateway.connectedAgents()).toEqual([other.agent.id]);
  });

  it('closes with 4401 at the next sweep the socket of an agent disabled, or whose tenant was disabled, on any instance', async () => {
    const { agent, cookie, socket } = await connectedAgent();
    const other = await connectedAgent('bob');
    // What the admin API writes (possibly on another instance): this gateway learns it from the database.
    await h.db.sql.query('UPDATE agent SET disabled_at = now() WHERE id = $1', [agent.id]);
    await h.gateway.sweep();
    expect((await socket.closed).code).toBe(4401);
    expect(await h.command((command) => command.command === 'offline')).toMatchObject({ agentId: agent.id });
    expect(other.socket.isOpen).toBe(true);
    const refused = await fetch(`${h.baseUrl}/agent/session`, { headers: { cookie } });
    expect(refused.status).toBe(401);

    await h.db.sql.query('UPDATE tenant SET disabled_at = now() WHERE id = $1', [h.tenantId]);
    await h.gateway.sweep();
    expect((await other.socket.closed).code).toBe(4401);
    expect(h.gateway.connectedAgents()).toEqual([]);
  });
});

describe('heartbeat', () => {
  it('closes a socket silent for over 15 s with 4408 and marks its agent offline, keeping one that spoke recently', async () => {
    const silent = await connectedAgent('anna');
    const talking = await connectedAgent('bob');
    h.advanceClock(10_000);
    talking.socket.send({ type: 'heartbeat' });
    await talking.socket.next((message) => message.type === 'heartbeat');
    h.advanceClock(6_000);
    await h.gateway.sweep();
    expect((await silent.socket.closed).code).toBe(4408);
    const offline = await h.command((command) => command.command === 'offline');
    expect(offline).toEqual({
      agentId: silent.agent.id,
      tenantId: h.tenantId,
      command: 'offline',
      at: h.now().toISOString(),
    });
    expect(talking.socket.isOpen).toBe(true);
    expect(h.gateway.connectedAgents()).toEqual([talking.agent.id]);
    expect(h.commands.filter((command) => command.payload.command === 'offline')).toHaveLength(1);
  });

  it('counts any message as a sign of life, not only heartbeats', async () => {
    const { socket } = await connectedAgent();
    h.advanceClock(14_000);
    socket.send({ type: 'resume', ref: 'r' });
    await socket.next((message) => message.ref === 'r');
    h.advanceClock(14_000);
    await h.gateway.sweep();
    expect(socket.isOpen).toBe(true);
  });
});
