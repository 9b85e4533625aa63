import type { AgentUpdateV1, Disposition } from '@pronto/contracts';
import { WebSocket } from 'ws';

type AgentUpdate = AgentUpdateV1['payload'];

export interface BenchAgentOptions {
  username: string;
  /** The session cookie pair (`pronto_agent=...`): sessions live in the database, any gateway takes it. */
  cookie: string;
  /** The gateways' base URLs as they are now (a restarted gateway has a new port). */
  gateways: () => string[];
  /** The gateway this agent opens its first socket on. */
  first: number;
}

/** One socket's life on one gateway, as the agent saw it. */
export interface Connection {
  gateway: string;
  openedAt: number;
  closedAt?: number;
  closeCode?: number;
}

/**
 * An agent at a desktop that takes every offer at once, talks for a moment and records an
 * outcome. When its socket closes without being asked to (its gateway died), it connects again, to
 * another gateway, as the desktop's page does; `stayAway` holds that back for a while (a desktop
 * that lost its network with the gateway), so the agent's absence can be seen.
 */
export class BenchAgent {
  readonly connections: Connection[] = [];
  agentId: string | undefined;
  /** Offers accepted and outcomes recorded. */
  accepted = 0;
  dispositions = 0;
  /** Resumes after a pause for missed offers. */
  resumes = 0;
  /** The newest snapshot the agent was shown: its state and its attempt's stage, for a failure's story. */
  lastUpdate: { state: string; attemptId?: string; stage?: string; version: number } | undefined;
  private socket: WebSocket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private awayUntil = 0;
  private newestVersion = -1;
  private readonly done = new Set<string>();

  constructor(readonly options: BenchAgentOptions) {}

  /** Opens the first socket; resolves once the gateway said hello. */
  start(): Promise<void> {
    const gateways = this.options.gateways();
    return this.open(gateways[this.options.first % gateways.length] as string);
  }

  /** The gateway the agent is connected to now, if any. */
  get gateway(): string | undefined {
    const last = this.connections.at(-1);
    return last && last.closedAt === undefined ? last.gateway : undefined;
  }

  /** After the current socket closes, connect again only once `ms` have passed. */
  stayAway(ms: number) {
    this.awayUntil = Date.now() + ms;
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      setTimeout(() => socket.terminate(), 1_000).unref();
      socket.close(1000, 'bench over');
    });
  }

  private open(gateway: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${gateway.replace(/^http/, 'ws')}/agent/ws`, {
        headers: { cookie: this.options.cookie, origin: gateway },
      });
      this.socket = socket;
      const connection: Connection = { gateway, openedAt: Date.now() };
      let greeted = false;
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string } & Record<string, unknown>;
        if (message.type === 'hello') {
          greeted = true;
          // A new gateway knows only the newest snapshot: what the agent still holds is acted on again
          // (a disposition the dead gateway never handed on, for example).
          this.newestVersion = -1;
          this.done.clear();
          this.agentId = (message.agent as { id: string }).id;
          this.connections.push(connection);
          clearInterval(this.heartbeat);
          this.heartbeat = setInterval(
            () => this.send({ type: 'heartbeat' }),
            message.heartbeatIntervalMs as number,
          );
          resolve();
        } else if (message.type === 'update') this.onUpdate(message.update as AgentUpdate);
      });
      socket.on('error', () => {});
      socket.on('close', (code) => {
        clearInterval(this.heartbeat);
        connection.closedAt = Date.now();
        connection.closeCode = code;
        if (!greeted) reject(new Error(`${this.options.username}: ${gateway} closed before hello (${code})`));
        if (!this.stopped) this.reconnect(gateway);
      });
    });
  }

  /** Another gateway than the one that went away, once the agent is back; every 300 ms until one answers. */
  private reconnect(gone: string) {
    const delay = Math.max(300, this.awayUntil - Date.now());
    this.retry = setTimeout(() => {
      if (this.stopped) return;
      const others = this.options.gateways().filter((url) => url !== gone);
      const next = others[Math.floor(Math.random() * others.length)] ?? gone;
      this.open(next).catch(() => {
        // The close handler of the failed socket schedules the next try.
      });
    }, delay);
  }

  private send(message: object) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Acts on the newest snapshot only, and on each attempt's stage once. */
  private onUpdate(update: AgentUpdate) {
    if (update.agentVersion <= this.newestVersion) return;
    this.newestVersion = update.agentVersion;
    const attempt = update.attempt;
    this.lastUpdate = {
      state: update.state,
      version: update.agentVersion,
      ...(attempt ? { attemptId: attempt.attemptId, stage: attempt.stage } : {}),
    };
    // Paused for offers missed while its gateway died: the person at the desktop resumes.
    if (
      update.state === 'paused' &&
      update.pauseReason === 'missed_offers' &&
      !this.done.has(`resume:${update.agentVersion}`)
    ) {
      this.done.add(`resume:${update.agentVersion}`);
      this.resumes += 1;
      setTimeout(() => this.send({ type: 'resume' }), 500);
    }
    if (!attempt) return;
    const { attemptId, stage } = attempt;
    if (stage === 'offered' && !this.done.has(`${attemptId}:accept`)) {
      this.done.add(`${attemptId}:accept`);
      this.accepted += 1;
      this.send({ type: 'accept', attemptId });
    } else if (
      (stage === 'connected' || (stage === 'wrap_up' && attempt.disposition === null)) &&
      !this.done.has(`${attemptId}:disposition`)
    ) {
      this.done.add(`${attemptId}:disposition`);
      // A short talk, then the outcome (which also hangs up).
      setTimeout(
        () => {
          this.dispositions += 1;
          this.send({ type: 'disposition', attemptId, disposition: outcome() });
        },
        100 + Math.random() * 200,
      );
    }
  }
}

/** Mostly not interested, some sales, some callbacks two hours later (the lead waits for them). */
function outcome(): Disposition {
  const roll = Math.random();
  if (roll < 0.2) return { code: 'sale', value: 5_000, currency: 'PLN' };
  if (roll < 0.3) return { code: 'callback', callbackAt: new Date(Date.now() + 7_200_000).toISOString() };
  return { code: 'not_interested' };
}

/** Signs in over HTTP (any gateway: the session is in the database) and returns the cookie pair. */
export async function signIn(gateway: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${gateway}/agent/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: gateway },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`${username}: sign-in answered ${response.status}`);
  const pair = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((cookie) => cookie.startsWith('pronto_agent='));
  if (!pair) throw new Error(`${username}: sign-in set no session cookie`);
  return pair;
}
