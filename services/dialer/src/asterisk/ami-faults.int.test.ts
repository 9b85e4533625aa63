import { fileURLToPath } from 'node:url';
import { startAmiReplayServer } from '@pronto/testing';
import { describe, it } from 'vitest';
import { AmiLoginRefused, type AmiMessage, connectAmi, parseAmiUrl } from './ami-connection.ts';
import { startAsteriskDialer } from './asterisk-dialer.ts';
import { CallTracker } from './call-tracker.ts';
import { dialRequest, logger, RECORDED_SETTINGS, startAmiScenario, useTestBus } from './test-harness.ts';

// Faults, replayed from what Asterisk 22 really did: a refused login, the AMI connection dropped
// mid-call (kicked, Asterisk stopped, Asterisk killed), a call hung up by the dialer, a keepalive.

const testBus = useTestBus();

const SPEED = 4;

describe.concurrent('AMI faults', () => {
  it('login-bad-secret: the dialer does not start, and says why', async ({ expect }) => {
    const server = await startAmiReplayServer({ transcripts: ['login-bad-secret'], speed: SPEED });
    try {
      const starting = startAsteriskDialer({
        bus: testBus.bus,
        logger,
        ami: parseAmiUrl(server.url('pronto', 'wrong')),
        settings: RECORDED_SETTINGS,
      });
      await expect(starting).rejects.toThrow(AmiLoginRefused);
      await expect(starting).rejects.toThrow(
        /AMI login as "pronto" at 127\.0\.0\.1:\d+ refused: Authentication failed/,
      );
      await expect(starting).rejects.not.toThrow(/wrong/);
    } finally {
      await server.close();
    }
  });

  it('an unreachable Asterisk is an error at start that names the address', async ({ expect }) => {
    const server = await startAmiReplayServer({ transcripts: [] });
    const url = server.url();
    await server.close();
    await expect(connectAmi(parseAmiUrl(url), { timeoutMs: 2_000 })).rejects.toThrow(/127\.0\.0\.1:\d+/);
  });

  it('an Originate that Asterisk answers with an error fails the attempt with that reason', async ({
    expect,
  }) => {
    const transcript = fileURLToPath(new URL('./fixtures/originate-invalid-channel.jsonl', import.meta.url));
    const scenario = await startAmiScenario(testBus.bus, [transcript], { speed: SPEED });
    try {
      const request = await scenario.send('originate', dialRequest({ agentEndpoint: 'agent-7' }));
      const ended = await scenario.phase(request.attemptId, 'ended');
      expect(ended).toMatchObject({
        outcome: 'failed',
        cause: 'ORIGINATE REFUSED: Invalid channel',
        hangupBy: 'network',
      });
      expect(scenario.events.filter((event) => event.attemptId === request.attemptId)).toHaveLength(1);
      expect(scenario.dialer.inFlight()).toBe(0);
      expect(scenario.server.mismatches).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('the trunk limit holds further calls back; a waiting call hung up never dials; an agent without a phone is agent_missed', async ({
    expect,
  }) => {
    const scenario = await startAmiScenario(testBus.bus, ['originate-contacted'], {
      speed: SPEED,
      settings: { trunkChannels: 1 },
    });
    try {
      const first = await scenario.send('originate');
      const second = await scenario.send('originate');
      await scenario.phase(first.attemptId, 'originated');
      expect(scenario.dialer.waiting()).toBe(1);
      expect(scenario.server.received.filter((action) => action.action === 'Originate')).toHaveLength(1);

      await scenario.send('hangup', second);
      expect(await scenario.phase(second.attemptId, 'ended')).toMatchObject({
        outcome: 'no_answer',
        cause: 'AGENT HANGUP',
        hangupBy: 'dialer',
      });
      expect(scenario.dialer.waiting()).toBe(0);

      const phoneless = await scenario.send('originate', dialRequest({ agentEndpoint: null }));
      expect(await scenario.phase(phoneless.attemptId, 'ended')).toMatchObject({
        outcome: 'agent_missed',
        cause: 'AGENT HAS NO PHONE ENDPOINT',
      });
      expect(await scenario.phase(first.attemptId, 'ended')).toMatchObject({ outcome: 'contacted' });
      expect(scenario.server.received.filter((action) => action.action === 'Originate')).toHaveLength(1);
      expect(scenario.server.mismatches).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('login-ok: logs in, and logs off when stopped', async ({ expect }) => {
    const scenario = await startAmiScenario(testBus.bus, ['login-ok'], { speed: SPEED });
    await scenario.dialer.stop();
    await scenario.server.played(0); // Goodbye, then Asterisk closes the socket
    await scenario.server.close();
    expect(scenario.server.received.map((action) => action.action.toLowerCase())).toEqual([
      'login',
      'logoff',
    ]);
    expect(scenario.server.mismatches).toEqual([]);
  });

  it('ping: the keepalive is answered and the connection stays', async ({ expect }) => {
    const scenario = await startAmiScenario(testBus.bus, ['ping'], { speed: SPEED, keepaliveMs: 100 });
    try {
      await expect
        .poll(() => scenario.server.received.filter((action) => action.action === 'Ping').length)
        .toBeGreaterThanOrEqual(3);
      expect(scenario.dialer.reconnects).toBe(0);
      expect(scenario.server.mismatches).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('ami-connection-drop: reconnects, finds the call still up, reports it once, and hangs it up when asked', async ({
    expect,
  }) => {
    const scenario = await startAmiScenario(
      testBus.bus,
      ['ami-connection-drop', 'ami-connection-drop.reconnect'],
      {
        speed: SPEED,
      },
    );
    try {
      const request = await scenario.send('originate');
      await scenario.phase(request.attemptId, 'bridged');
      await scenario.server.played(0); // the kick: EOF, no message
      await expect.poll(() => scenario.dialer.reconnects).toBe(1);
      // CoreShowChannels lists both legs of the attempt's call: still in flight, nothing published.
      await expect
        .poll(() => scenario.server.received.some((action) => action.action === 'CoreShowChannels'))
        .toBe(true);
      expect(scenario.dialer.inFlight()).toBe(1);

      await scenario.send('hangup', request);
      const ended = await scenario.phase(request.attemptId, 'ended');
      expect(ended).toMatchObject({ outcome: 'contacted', hangupBy: 'dialer', cause: 'NORMAL CLEARING' });
      const phases = scenario.events
        .filter((event) => event.attemptId === request.attemptId)
        .map((event) => event.phase);
      expect(phases).toEqual(['originated', 'ringing', 'answered', 'bridged', 'ended']);
      const hangup = scenario.server.received.find((action) => action.action === 'Hangup');
      expect(hangup?.connection).toBe(1);
      expect(scenario.server.mismatches).toEqual([]);
      expect(scenario.dialer.inFlight()).toBe(0);
    } finally {
      await scenario.close();
    }
  });

  it('ami-connection-drop-asterisk-stop: the hang-ups before the shutdown end the call; the restarted Asterisk has nothing left', async ({
    expect,
  }) => {
    const scenario = await startAmiScenario(
      testBus.bus,
      ['ami-connection-drop-asterisk-stop', 'ami-connection-drop-asterisk-stop.reconnect'],
      { speed: SPEED },
    );
    try {
      const request = await scenario.send('originate');
      const ended = await scenario.phase(request.attemptId, 'ended');
      expect(ended).toMatchObject({ outcome: 'contacted', hangupBy: 'network', cause: 'NORMAL CLEARING' });
      await expect.poll(() => scenario.dialer.reconnects).toBe(1);
      await expect
        .poll(() => scenario.server.received.some((action) => action.action === 'CoreShowChannels'))
        .toBe(true);
      const events = scenario.events.filter((event) => event.attemptId === request.attemptId);
      expect(events.map((event) => event.phase)).toEqual([
        'originated',
        'ringing',
        'answered',
        'bridged',
        'ended',
      ]);
      expect(scenario.server.mismatches).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('ami-connection-drop-asterisk-crash: the call is gone after the restart, so it ends once, as the contact it was', async ({
    expect,
  }) => {
    const scenario = await startAmiScenario(
      testBus.bus,
      ['ami-connection-drop-asterisk-crash', 'ami-connection-drop-asterisk-stop.reconnect'],
      { speed: SPEED },
    );
    try {
      const request = await scenario.send('originate');
      await scenario.phase(request.attemptId, 'bridged');
      const ended = await scenario.phase(request.attemptId, 'ended');
      expect(ended).toMatchObject({
        outcome: 'contacted',
        hangupBy: 'network',
        cause: 'CALL ENDED WHILE AMI WAS DISCONNECTED',
      });
      expect(scenario.dialer.reconnects).toBe(1);
      const phases = scenario.events
        .filter((event) => event.attemptId === request.attemptId)
        .map((event) => event.phase);
      expect(phases).toEqual(['originated', 'ringing', 'answered', 'bridged', 'ended']);
    } finally {
      await scenario.close();
    }
  });

  it('coreshowchannels-during-call.originator: a hangup request ends the bridged call with the Hangup action', async ({
    expect,
  }) => {
    const scenario = await startAmiScenario(testBus.bus, ['coreshowchannels-during-call.originator'], {
      speed: SPEED,
    });
    try {
      const request = await scenario.send('originate');
      await scenario.phase(request.attemptId, 'bridged');
      await scenario.send('hangup', request);
      const ended = await scenario.phase(request.attemptId, 'ended');
      expect(ended).toMatchObject({
        outcome: 'contacted',
        hangupBy: 'dialer',
        cause: 'NORMAL CLEARING',
        causeCode: 16,
      });
      const hangup = scenario.server.received.find((action) => action.action === 'Hangup');
      const headers = Object.fromEntries(
        hangup?.headers.map(([key, value]) => [key.toLowerCase(), value]) ?? [],
      );
      expect(headers).toMatchObject({
        channel: expect.stringMatching(/^PJSIP\/agent-7-[0-9a-f]{8}$/),
        cause: '16',
      });
      expect(scenario.server.mismatches).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('coreshowchannels-during-call: a second connection reads the call as bridged, with its attempt on both legs', async ({
    expect,
  }) => {
    const server = await startAmiReplayServer({
      transcripts: ['coreshowchannels-during-call'],
      speed: Infinity,
    });
    const connection = await connectAmi(parseAmiUrl(server.url()));
    try {
      const tracker = new CallTracker();
      const call = tracker.track('att-csc-1', '1795424678.18');
      const events: AmiMessage[] = [];
      connection.onEvent((event) => events.push(event));
      const channels = await connection.list({ action: 'CoreShowChannels' }, 'CoreShowChannelsComplete');
      expect(channels.map((channel) => channel.application)).toEqual(['AppDial', 'Dial']);
      const updates = tracker.reconcile(call, channels, new Date('2026-11-24T09:00:00Z'));
      expect(updates.map((update) => update.phase)).toEqual(['originated', 'ringing', 'answered', 'bridged']);
      expect(call).toMatchObject({
        personUniqueId: '1795424679.19',
        agentChannel: 'PJSIP/agent1001-00000012',
      });

      const status = await connection.list(
        { action: 'Status', variables: 'PRONTO_ATTEMPT_ID,PRONTO_LEAD_ID' },
        'StatusComplete',
      );
      expect(status.map((leg) => (leg.variable as Record<string, string>).PRONTO_ATTEMPT_ID)).toEqual([
        'att-csc-1',
        'att-csc-1',
      ]);
      const value = await connection.action({
        action: 'Getvar',
        channel: 'PJSIP/agent1001-00000012',
        variable: 'PRONTO_ATTEMPT_ID',
      });
      expect(value.value).toBe('att-csc-1');
      // Then the other connection's Hangup reaches this one too: the call ends as the contact it was.
      await expect.poll(() => events.filter((event) => event.event === 'Hangup').length).toBe(2);
      const ended = events.flatMap((event) => tracker.apply(event, new Date('2026-11-24T09:00:05Z')));
      expect(ended).toEqual([
        expect.objectContaining({ phase: 'ended', outcome: 'contacted', causeCode: 16 }),
      ]);
      expect(server.mismatches).toEqual([]);
    } finally {
      await connection.close();
      await server.close();
    }
  });
});
