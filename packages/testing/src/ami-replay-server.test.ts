import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AmiReplayOptions, type AmiReplayServer, startAmiReplayServer } from './ami-replay-server.ts';
import {
  AMI_TRANSCRIPTS_DIR,
  AmiIdRewriter,
  amiHeader,
  amiTranscriptPath,
  formatAmiMessage,
  parseAmiMessage,
  readAmiTranscript,
  splitAmiMessages,
} from './ami-transcript.ts';

const BANNER = 'Asterisk Call Manager/11.0.0\r\n';

/** A bare AMI client: what it received, verbatim, and a way to wait for text in it. */
class Client {
  text = '';
  ended = false;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    const wake = (): void => {
      for (const check of this.waiters) check();
    };
    socket.on('data', (chunk: string) => {
      this.text += chunk;
      wake();
    });
    socket.on('end', () => {
      this.ended = true;
      wake();
    });
  }

  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes an action; returns when, for timing. */
  send(action: Record<string, string> | Array<[string, string]>): number {
    this.socket.write(formatAmiMessage(Array.isArray(action) ? action : Object.entries(action)));
    return performance.now();
  }

  /** Resolves once `test` holds for the received text; fails with what arrived if it never does. */
  until(test: (text: string) => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => new Error(`${why} ${what}; got:\n${this.text.slice(-800)}`);
      const timer = setTimeout(() => finish(fail('timed out waiting for')), 5_000);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = (): void => {
        if (test(this.text)) finish();
        else if (this.ended) finish(fail('EOF before'));
      };
      this.waiters.add(check);
      check();
    });
  }

  untilText(needle: string): Promise<void> {
    return this.until((text) => text.includes(needle), JSON.stringify(needle));
  }

  untilEnd(): Promise<void> {
    return this.until(() => this.ended, 'EOF');
  }

  /** Received messages (the banner line, having no blank line after it, stays atop the first one). */
  messages(event?: string): Array<Array<[string, string]>> {
    const all = splitAmiMessages(this.text).messages.map(parseAmiMessage);
    return event === undefined ? all : all.filter((m) => amiHeader(m, 'Event') === event);
  }

  /** Logs in as asterisk-manager does: headers sorted, `Action: login` in lower case. */
  async login(id = 'L-1'): Promise<void> {
    await this.untilText(BANNER);
    this.send({ Action: 'login', ActionID: id, Events: 'on', Secret: 'secret', Username: 'pronto' });
    await this.untilText('Event: FullyBooted');
  }
}

/** An Originate as asterisk-manager writes it: headers sorted, `Channelid` spelled its own way. */
function originate(id: string, channelId?: string): Array<[string, string]> {
  const fields = { Action: 'Originate', ActionID: id, Async: 'true', Callerid: '"Pronto" <15550001000>' };
  return [
    ...Object.entries(fields),
    ['Channel', 'PJSIP/agent7'],
    ...(channelId ? [['Channelid', channelId] as [string, string]] : []),
    ...Object.entries({ Context: 'pronto-outbound', Exten: '48600100200', Priority: '1', Timeout: '15000' }),
    ['Variable', `__PRONTO_ATTEMPT_ID=${id}`],
    ['Variable', '__PRONTO_LEAD_ID=lead-7'],
  ];
}

const servers: AmiReplayServer[] = [];
const clients: Client[] = [];
async function start(options: AmiReplayOptions): Promise<AmiReplayServer> {
  const server = await startAmiReplayServer(options);
  servers.push(server);
  return server;
}

async function open(server: AmiReplayServer): Promise<Client> {
  const client = await Client.open(server.port);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('AMI transcripts', () => {
  it('are found beside the repository and parse', () => {
    expect(existsSync(amiTranscriptPath('originate-contacted'))).toBe(true);
    expect(amiTranscriptPath('login-ok')).toBe(`${AMI_TRANSCRIPTS_DIR}/login-ok.jsonl`);
    const lines = readAmiTranscript('login-ok');
    expect(lines[0]).toMatchObject({ dir: 'in', raw: BANNER });
    expect(lines.at(-1)).toMatchObject({ dir: 'in', raw: '', eof: true });
    expect(readAmiTranscript(amiTranscriptPath('login-ok'))).toEqual(lines);
    const parsed = parseAmiMessage('Event: Newchannel\r\nAccountCode: \r\nValue:   padded\r\n');
    expect(Object.fromEntries(parsed)).toEqual({ Event: 'Newchannel', AccountCode: '', Value: '  padded' });
  });

  it('ids are rewritten as whole tokens, longest first', () => {
    const rewriter = new AmiIdRewriter();
    rewriter.set('att-1', 'A');
    rewriter.set('PJSIP/agent1001', 'PJSIP/agent7');
    rewriter.set('PJSIP/agent1001-0000000d', 'X');
    expect(rewriter.apply('att-1 att-10 xatt-1 att-1.5 att-1-agent')).toBe('A att-10 xatt-1 att-1.5 A-agent');
    expect(rewriter.apply('Channel: PJSIP/agent1001-0000000c\r\nDest: PJSIP/agent1001-0000000d\r\n')).toBe(
      'Channel: PJSIP/agent7-0000000c\r\nDest: X\r\n',
    );
  });
});

describe('startAmiReplayServer', () => {
  it('replays a login with the client ActionID; Logoff gets Goodbye and EOF', async () => {
    const server = await start({ transcripts: ['login-ok'], speed: Number.POSITIVE_INFINITY });
    expect(server.url()).toBe(`ami://pronto:secret@127.0.0.1:${server.port}`);
    const client = await open(server);
    await client.login('L-9');
    expect(client.text).toMatch(
      /^Asterisk Call Manager\/11\.0\.0\r\nResponse: Success\r\nActionID: L-9\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\n/,
    );
    // One action split over two TCP reads.
    client.socket.write('Action: Logoff\r\nActio');
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.socket.write('nID: bye-1\r\n\r\n');
    await client.untilEnd();
    expect(client.text).toContain(
      'Response: Goodbye\r\nActionID: bye-1\r\nMessage: Thanks for all the fish.\r\n\r\n',
    );
    expect(client.text).not.toContain('login-1');
    await server.played(0);
    expect(server.received.map((r) => r.action)).toEqual(['login', 'Logoff']);
    expect(server.mismatches).toEqual([]);
  });

  it('shows a client with its own ids a consistent call (originate-contacted)', async () => {
    const server = await start({ transcripts: ['originate-contacted'], speed: Number.POSITIVE_INFINITY });
    const client = await open(server);
    await client.login();
    client.send(originate('A-1', 'chan-A-1'));
    await client.until((text) => text.split('Event: Hangup\r\n').length === 3, 'both Hangup events');
    client.send({ Action: 'Logoff', ActionID: 'bye' });
    await server.played(0);
    await client.untilEnd();

    const recorded = ['1795424574.0', 'att-contacted-1', '15550000001', 'agent1001', 'lead-42', 'login-1'];
    for (const id of recorded) expect(client.text).not.toContain(id);
    const messages = client.messages();
    const linkedIds = new Set(messages.map((m) => amiHeader(m, 'Linkedid')).filter((v) => v !== undefined));
    expect([...linkedIds]).toEqual(['chan-A-1']);
    const agentChannels = messages
      .flatMap((m) => [amiHeader(m, 'Channel'), amiHeader(m, 'DestChannel')])
      .filter((v) => v?.startsWith('PJSIP/') && !v.startsWith('PJSIP/carrier'));
    expect(agentChannels.length).toBeGreaterThan(10);
    for (const channel of agentChannels) expect(channel).toMatch(/^PJSIP\/agent7-[0-9a-f]{8}$/);
    const [response] = client.messages('OriginateResponse');
    expect(amiHeader(response ?? [], 'ActionID')).toBe('A-1');
    expect(amiHeader(response ?? [], 'Uniqueid')).toBe('chan-A-1');
    expect(client.text).toContain('Exten: 48600100200\r\n');
    expect(client.text).toContain('Value: A-1\r\n');

    const tail = messages.map((m) => amiHeader(m, 'Event') ?? amiHeader(m, 'Response'));
    expect(tail.at(-1)).toBe('Goodbye');
    const last = tail.slice(0, -1).filter((e) => e !== 'VarSet');
    const hangup = ['BridgeLeave', 'BridgeLeave', 'Hangup', 'BridgeDestroy', 'SoftHangupRequest', 'Hangup'];
    expect(last.slice(-6)).toEqual(hangup);
    expect(server.mismatches).toEqual([]);
    // Its clock stands at the recording's last line, however fast it was played.
    expect(server.recordedNow()).toBe(readAmiTranscript('originate-contacted').at(-1)?.t);
  });

  it('paces events as recorded, scaled by speed', async () => {
    const lines = readAmiTranscript('originate-customer-busy');
    const sentAt =
      lines.find((l) => l.dir === 'out' && l.raw.startsWith('Action: Originate'))?.t ?? Number.NaN;
    const busyAt = lines.find((l) => l.dir === 'in' && l.raw.includes('DialStatus: BUSY'))?.t ?? Number.NaN;
    const scaledGap = (busyAt - sentAt) / 10;
    expect(scaledGap).toBeGreaterThan(100);

    const server = await start({ transcripts: ['originate-customer-busy'], speed: 10 });
    const client = await open(server);
    await client.login();
    const sent = client.send(originate('B-1'));
    await client.untilText('DialStatus: BUSY');
    const gap = performance.now() - sent;
    expect(gap).toBeGreaterThanOrEqual(0.7 * scaledGap);
    expect(gap).toBeLessThanOrEqual(3 * scaledGap);
    expect(server.mismatches).toEqual([]);
  });

  it('answers an unexpected action with an error and records the mismatch', async () => {
    const server = await start({ transcripts: ['originate-contacted'], speed: Number.POSITIVE_INFINITY });
    const client = await open(server);
    await client.login();
    client.send({ Action: 'CoreShowChannels', ActionID: 'csc-x' });
    await client.untilText(
      'Response: Error\r\nActionID: csc-x\r\nMessage: Unexpected action CoreShowChannels (the recording expects Originate)\r\n\r\n',
    );
    expect(server.mismatches).toHaveLength(1);
    expect(server.mismatches[0]).toMatch(
      /^connection 0 \(originate-contacted.*Unexpected action CoreShowChannels/,
    );
    // The script still waits for the Originate.
    client.send(originate('A-2'));
    await client.untilText('ActionID: A-2\r\nMessage: Originate successfully queued');
  });

  it('answers Ping out of script and Pings the recording expects from the recording', async () => {
    const server = await start({ transcripts: ['login-ok', 'ping'], speed: Number.POSITIVE_INFINITY });
    const client = await open(server);
    await client.login();
    client.socket.write('Action: Ping\r\nActionID: p-0\r\n\r\nAction: Ping\r\nActionID: p-1\r\n\r\n');
    await client.untilText('ActionID: p-1\r\nPing: Pong');
    expect(client.text).toContain('ActionID: p-0\r\nPing: Pong');
    const pong = client.text.match(
      /Response: Success\r\nActionID: p-1\r\nPing: Pong\r\nTimestamp: (\d+\.\d{6})\r\n\r\n/,
    );
    expect(Math.abs(Number(pong?.[1]) - Date.now() / 1000)).toBeLessThan(5);

    const second = await open(server);
    await second.login();
    second.send({ Action: 'ping', ActionID: 'p-2' });
    await second.untilText(
      'Response: Success\r\nActionID: p-2\r\nPing: Pong\r\nTimestamp: 1795424571.991709\r\n\r\n',
    );
    expect(server.mismatches).toEqual([]);
  });

  it('serves successive transcripts to successive connections and refuses the rest', async () => {
    const server = await start({
      transcripts: ['ami-connection-drop', 'ami-connection-drop.reconnect'],
      speed: Number.POSITIVE_INFINITY,
    });
    const first = await open(server);
    await first.login();
    first.send(originate('D-1', 'chan-D-1'));
    await first.untilEnd();
    await server.played(0);
    expect(first.text).toContain('Event: BridgeEnter');

    const second = await open(server);
    await second.login('L-2');
    second.send({ Action: 'CoreShowChannels', ActionID: 'csc-2' });
    await second.untilText('Event: CoreShowChannelsComplete');
    const listed = second.messages('CoreShowChannel');
    expect(listed).toHaveLength(2);
    for (const item of listed) {
      expect(amiHeader(item, 'Linkedid')).toBe('chan-D-1');
      expect(amiHeader(item, 'ActionID')).toBe('csc-2');
    }
    const agent = listed.map((m) => amiHeader(m, 'Channel') ?? '').find((c) => c.startsWith('PJSIP/agent'));
    expect(agent).toMatch(/^PJSIP\/agent7-[0-9a-f]{8}$/);
    second.send({ Action: 'Hangup', ActionID: 'h-2', Cause: '16', Channel: agent ?? '' });
    await second.untilText('ActionID: h-2\r\nMessage: Channel Hungup');
    second.send({ Action: 'Logoff', ActionID: 'bye-2' });
    await second.untilEnd();
    await server.played(1);

    const third = await open(server);
    await third.untilEnd();
    expect(third.text).toBe('');
    expect(server.connections).toBe(2);
    expect(server.refused).toBe(1);
    expect(server.mismatches).toEqual([]);
  });

  it('dropConnections() ends the stream with a bare EOF', async () => {
    const server = await start({ transcripts: ['originate-contacted'] });
    const client = await open(server);
    await client.login();
    const before = client.text.length;
    const played = server.played(0);
    server.dropConnections();
    await client.untilEnd();
    expect(client.text.length).toBe(before);
    await expect(played).rejects.toThrow(/dropConnections/);
  });

  it('stops the schedule of a client that leaves early', async () => {
    const server = await start({ transcripts: ['originate-contacted'], speed: 20 });
    const client = await open(server);
    await client.login();
    client.send(originate('E-1'));
    await client.untilText('Originate successfully queued');
    client.socket.destroy();
    await expect(server.played(0)).rejects.toThrow(/connection 0 \(originate-contacted\) ended/);
    expect(server.mismatches).toEqual([]);
  });
});
