import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { basename } from 'node:path';
import {
  AmiIdRewriter,
  amiHeader,
  parseAmiMessage,
  readAmiTranscript,
  splitAmiMessages,
  type TranscriptLine,
} from './ami-transcript.ts';

export interface AmiReplayOptions {
  /** Transcripts (names or paths) served to successive connections: connection 0 gets the first, 1 the second, ... A connection beyond the list is closed at once and counted in `refused`. */
  transcripts: string[];
  /** Playback speed: 1 = as recorded (default), 10 = ten times faster, Infinity = no waiting. */
  speed?: number;
  host?: string;
  port?: number;
}

export interface ReceivedAction {
  connection: number;
  /** ms since that connection opened */
  at: number;
  /** `performance.now()` when it arrived, to line it up with a client's own clock */
  arrivedAt: number;
  headers: Array<[string, string]>;
  /** value of Action, as sent */
  action: string;
}

export interface AmiReplayServer {
  readonly port: number;
  /** `ami://<user>:<secret>@127.0.0.1:<port>`, defaults pronto/secret */
  url(user?: string, secret?: string): string;
  /** Every action clients sent, in order. */
  readonly received: ReceivedAction[];
  /** Actions that did not match what the recording expected next (each a readable string); tests assert this is empty. */
  readonly mismatches: string[];
  /** Connections accepted so far, and refused (beyond the transcript list). */
  readonly connections: number;
  readonly refused: number;
  /** Resolves when connection `index` has played its whole transcript (all `in` chunks sent, EOF done if recorded); rejects if it ends sooner. */
  played(index: number): Promise<void>;
  /** Closes every open client socket without a word (as Asterisk's `manager kick session` does: just EOF). */
  dropConnections(): void;
  /**
   * The replay's own clock, in recorded milliseconds: the recorded time of the last line played
   * (a chunk written, or the client's action matched), continuing across connections. A client
   * given this as its clock stamps what it derives in the recording's time, whatever the speed.
   */
  recordedNow(): number;
  close(): Promise<void>;
}

interface Connection {
  index: number;
  name: string;
  socket: Socket;
  lines: TranscriptLine[];
  openedAt: number;
  /** Next transcript line to play or wait for. */
  cursor: number;
  /** Wall time and recorded time of the last sync point; `in` lines are due relative to it. */
  syncWall: number;
  syncT: number;
  timer: NodeJS.Timeout | undefined;
  input: string;
  /** Complete actions not handled yet; handled strictly in arrival order. */
  queue: ReceivedAction[];
  stopped: boolean;
}

/** The outcome of one connection's playback; settles once, and never counts as an unhandled rejection. */
class Playback {
  settled = false;
  resolve!: () => void;
  reject!: (error: Error) => void;
  readonly promise = new Promise<void>((resolve, reject) => {
    this.resolve = () => {
      this.settled = true;
      resolve();
    };
    this.reject = (error) => {
      this.settled = true;
      reject(error);
    };
  });

  constructor() {
    // Nobody need be waiting on a connection that ends early.
    this.promise.catch(() => {});
  }
}

/**
 * A TCP server that plays recorded AMI sessions (see ../shared/ami/README.md) to real clients, one
 * transcript per connection, with the client's own ids substituted for the recorded ones.
 *
 * An action that matches the next recorded `out` but arrives while earlier `in` chunks are still due
 * waits for them: the recording never shows Asterisk answering before those events, so neither do we.
 */
export async function startAmiReplayServer(options: AmiReplayOptions): Promise<AmiReplayServer> {
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
  // Read everything up front so a bad name fails the test here rather than inside a socket handler.
  const scripts = options.transcripts.map((name) => ({
    name: basename(name, '.jsonl'),
    lines: readAmiTranscript(name),
  }));
  const rewriter = new AmiIdRewriter();
  const received: ReceivedAction[] = [];
  const mismatches: string[] = [];
  const connections: Connection[] = [];
  const sockets = new Set<Socket>();
  const playbacks = new Map<number, Playback>();
  let refused = 0;

  const playback = (index: number): Playback => {
    const entry = playbacks.get(index) ?? new Playback();
    playbacks.set(index, entry);
    return entry;
  };

  const write = (c: Connection, text: string): void => {
    if (!c.stopped && text !== '' && c.socket.writable) c.socket.write(text);
  };

  const stop = (c: Connection, why: string): void => {
    if (c.stopped) return;
    c.stopped = true;
    clearTimeout(c.timer);
    c.timer = undefined;
    const d = playback(c.index);
    if (!d.settled) {
      d.reject(
        new Error(
          `connection ${c.index} (${c.name}) ended at transcript line ${c.cursor + 1} of ${c.lines.length}: ${why}`,
        ),
      );
    }
  };

  const nextOut = (c: Connection): number => {
    for (let i = c.cursor; i < c.lines.length; i++) if (c.lines[i]?.dir === 'out') return i;
    return -1;
  };

  /** Answers as Asterisk does: `Response` first, then the client's ActionID if it sent one. */
  const reply = (c: Connection, action: ReceivedAction, response: string, more: string): void => {
    const id = amiHeader(action.headers, 'ActionID');
    write(c, `Response: ${response}\r\n${id === undefined ? '' : `ActionID: ${id}\r\n`}${more}\r\n\r\n`);
  };

  /** Handles the head of the queue when it needs no script position; true if it was consumed. */
  const handleOutOfScript = (c: Connection, action: ReceivedAction): boolean => {
    const at = nextOut(c);
    const expected =
      at >= 0 ? (amiHeader(parseAmiMessage(c.lines[at]?.raw ?? ''), 'Action') ?? '') : undefined;
    const got = action.action.toLowerCase();
    if (got === 'ping' && expected?.toLowerCase() !== 'ping') {
      const now = (performance.timeOrigin + performance.now()) / 1000;
      reply(c, action, 'Success', `Ping: Pong\r\nTimestamp: ${now.toFixed(6)}`);
      return true;
    }
    if (got === 'logoff' && expected?.toLowerCase() !== 'logoff') {
      reply(c, action, 'Goodbye', 'Message: Thanks for all the fish.');
      c.socket.end();
      stop(c, 'the client logged off before the recording did');
      return true;
    }
    if (expected !== undefined && got === expected.toLowerCase()) return false;
    const message = `Unexpected action ${action.action} (the recording expects ${expected ?? 'no further action'})`;
    const where = at >= 0 ? `, transcript line ${at + 1}` : '';
    mismatches.push(
      `connection ${c.index} (${c.name}${where}): ${message}; the client's ActionID was ${amiHeader(action.headers, 'ActionID')}`,
    );
    reply(c, action, 'Error', `Message: ${message}`);
    return true;
  };

  const run = (c: Connection): void => {
    while (!c.stopped) {
      const head = c.queue[0];
      if (head && handleOutOfScript(c, head)) {
        c.queue.shift();
        continue;
      }
      const line = c.lines[c.cursor];
      if (!line) {
        playback(c.index).resolve();
        return;
      }
      if (line.dir === 'out') {
        if (!head) return;
        c.queue.shift();
        let answer = '';
        for (let i = c.cursor + 1; c.lines[i]?.dir === 'in'; i++) answer += c.lines[i]?.raw ?? '';
        rewriter.learn(parseAmiMessage(line.raw), head.headers, answer);
        c.syncWall = performance.now();
        c.syncT = line.t;
        advanceRecorded(c, line.t);
        c.cursor++;
        continue;
      }
      if (c.timer) return;
      const delay = c.syncWall + (line.t - c.syncT) / speed - performance.now();
      if (delay > 0) {
        c.timer = setTimeout(() => {
          c.timer = undefined;
          run(c);
        }, delay);
        return;
      }
      advanceRecorded(c, line.t);
      write(c, rewriter.apply(line.raw));
      c.cursor++;
      if (line.eof) {
        c.socket.end();
        if (!c.lines[c.cursor]) playback(c.index).resolve();
        stop(c, 'the recording ends the connection here');
      }
    }
  };

  // The recorded time of the latest connection's last line, on from where the previous one stopped.
  let recordedBase = 0;
  let recordedLast = 0;
  let recordedConnection = -1;
  const advanceRecorded = (c: Connection, t: number): void => {
    if (c.index > recordedConnection) {
      recordedBase = recordedLast;
      recordedConnection = c.index;
    }
    if (c.index === recordedConnection) recordedLast = Math.max(recordedLast, recordedBase + t);
  };

  const accept = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that vanishes mid-write must not take the test process down.
    socket.on('error', () => {});
    const script = scripts[connections.length];
    if (!script) {
      refused++;
      socket.resume();
      socket.end();
      return;
    }
    const now = performance.now();
    const c: Connection = {
      index: connections.length,
      name: script.name,
      socket,
      lines: script.lines,
      openedAt: now,
      cursor: 0,
      syncWall: now,
      syncT: 0,
      timer: undefined,
      input: '',
      queue: [],
      stopped: false,
    };
    connections.push(c);
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      if (c.stopped) return;
      const { messages, rest } = splitAmiMessages(c.input + chunk);
      c.input = rest;
      for (const message of messages) {
        const headers = parseAmiMessage(message);
        const action = {
          connection: c.index,
          at: performance.now() - c.openedAt,
          arrivedAt: performance.now(),
          headers,
          action: amiHeader(headers, 'Action') ?? '',
        };
        received.push(action);
        c.queue.push(action);
      }
      run(c);
    });
    socket.on('end', () => stop(c, 'the client closed the connection'));
    socket.on('close', () => stop(c, 'the connection closed'));
    run(c);
  };

  const server = createServer(accept);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('AMI replay server has no TCP port');
  // A wildcard listen address is not something a client can dial.
  const listened = options.host ?? '127.0.0.1';
  const host = listened === '0.0.0.0' || listened === '::' ? '127.0.0.1' : listened;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    port: address.port,
    url: (user = 'pronto', secret = 'secret') =>
      `ami://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@${urlHost}:${address.port}`,
    received,
    mismatches,
    get connections() {
      return connections.length;
    },
    get refused() {
      return refused;
    },
    played(index: number) {
      if (!Number.isInteger(index) || index < 0 || index >= scripts.length) {
        return Promise.reject(new Error(`no transcript for connection ${index} (${scripts.length} given)`));
      }
      return playback(index).promise;
    },
    recordedNow: () => recordedLast,
    dropConnections() {
      for (const c of connections.filter((c) => !c.stopped)) {
        stop(c, 'dropped by dropConnections()');
        c.socket.end();
      }
    },
    async close() {
      for (const c of connections) stop(c, 'the replay server closed');
      for (const [index, d] of playbacks) {
        if (!d.settled) d.reject(new Error(`the replay server closed before connection ${index} opened`));
      }
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
