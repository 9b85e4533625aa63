import type { AgentUpdateV1, Disposition } from '@pronto/contracts';
import { AGENT_ROLE } from '@pronto/http';
import type { Logger } from '@pronto/telemetry';
import { WebSocket } from 'ws';

/** Delays as [min, max] milliseconds; each action waits a random time between them. */
export interface DemoBotTiming {
  /** From an offer to the click on accept. */
  acceptMs: [number, number];
  /** From the person answering to the disposition (which also hangs up). */
  talkMs: [number, number];
  /** From a call the person ended to the disposition. */
  wrapUpMs: [number, number];
}

export interface DemoBotsOptions {
  /** Where the gateway is, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** The Origin their sockets send, as the desktop's page would (default: baseUrl's). */
  origin?: string;
  agents: readonly { username: string; password: string }[];
  logger: Logger;
  /** In [0, 1); tests fix it to choose the outcomes. */
  random?: () => number;
  timing?: DemoBotTiming;
}

export interface DemoBots {
  /** Closes every bot's socket; no bot acts afterwards. */
  stop(): Promise<void>;
}

const HUMAN_TIMING: DemoBotTiming = {
  acceptMs: [1_500, 4_000],
  talkMs: [20_000, 90_000],
  wrapUpMs: [3_000, 10_000],
};
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

type AgentUpdate = AgentUpdateV1['payload'];
type OfferedLead = NonNullable<AgentUpdate['attempt']>['lead'];

/**
 * Simulated agents for the demo: each signs in and uses the desktop protocol exactly as the page
 * does (docs/agent-protocol.md), so the dispatcher, the dashboard and the reports see people at
 * work. A bot accepts offers after a human pause, talks for a while and records an outcome.
 */
export function startDemoBots(options: DemoBotsOptions): DemoBots {
  const bots = options.agents.map((account) =>
    startBot({
      ...account,
      baseUrl: options.baseUrl.replace(/\/$/, ''),
      origin: options.origin ?? new URL(options.baseUrl).origin,
      logger: options.logger.child({ demoAgent: account.username }),
      random: options.random ?? Math.random,
      timing: options.timing ?? HUMAN_TIMING,
    }),
  );
  return {
    async stop() {
      await Promise.all(bots.map((bot) => bot.stop()));
    },
  };
}

interface BotOptions {
  username: string;
  password: string;
  baseUrl: string;
  origin: string;
  logger: Logger;
  random: () => number;
  timing: DemoBotTiming;
}

/** What the bot means to do next, and when. */
interface Plan {
  /** The attempt and the stage it was planned for: a new stage re-plans. */
  key: string;
  timer: NodeJS.Timeout;
}

function startBot(options: BotOptions): DemoBots {
  const { logger, random, timing } = options;
  let stopped = false;
  let cookie: string | undefined;
  let socket: WebSocket | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let plan: Plan | undefined;
  let newestVersion = -1;
  /** The last action taken ("attemptId:accept" or "attemptId:disposition"), never taken twice. */
  let lastAction: string | undefined;
  let agentId: string | undefined;
  const signingIn = new AbortController();

  const between = ([min, max]: [number, number]) => min + random() * (max - min);

  function send(message: object) {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  async function connect() {
    retry = undefined;
    if (stopped) return;
    try {
      cookie ??= await signIn(options, signingIn.signal);
    } catch (error) {
      if (stopped) return;
      logger.warn({ err: error }, 'demo agent could not sign in');
      scheduleRetry();
      return;
    }
    open(cookie);
  }

  function open(sessionCookie: string) {
    const url = `${options.baseUrl.replace(/^http/, 'ws')}/agent/ws`;
    const current = new WebSocket(url, { headers: { cookie: sessionCookie, origin: options.origin } });
    socket = current;
    let greeted = false;
    current.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string } & Record<string, unknown>;
      if (message.type === 'hello') {
        greeted = true;
        failures = 0;
        agentId = (message.agent as { id: string }).id;
        logger.info({ agentId }, 'demo agent online');
        startHeartbeat(message.heartbeatIntervalMs as number);
      } else if (message.type === 'update') onUpdate(message.update as AgentUpdate);
      else if (message.type === 'error')
        logger.warn({ agentId, title: message.title, field: message.field }, 'demo agent command refused');
    });
    // A failed connection also emits close, which decides what comes next.
    current.on('error', (error) => logger.debug({ err: error, agentId }, 'demo agent socket error'));
    current.on('close', (code) => {
      clearInterval(heartbeat);
      cancelPlan();
      if (stopped) return;
      if (code === 4409) {
        // Someone signed in as this agent in a browser: the person takes over, the bot steps aside.
        logger.info({ agentId }, 'demo agent replaced by another sign-in; the bot stops');
        stopped = true;
        return;
      }
      // Refused before the hello, or signed out: the session is no good, sign in again.
      if (!greeted || code === 4401) cookie = undefined;
      logger.info({ agentId, code }, 'demo agent disconnected; reconnecting');
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures) * (0.5 + random() / 2);
    failures += 1;
    retry = setTimeout(() => void connect(), delay);
    retry.unref();
  }

  function startHeartbeat(intervalMs: number) {
    clearInterval(heartbeat);
    heartbeat = setInterval(() => send({ type: 'heartbeat' }), intervalMs);
    heartbeat.unref();
  }

  function cancelPlan() {
    if (plan) clearTimeout(plan.timer);
    plan = undefined;
  }

  /** Acts on the newest snapshot only: an offer to accept, a call to finish, or nothing. */
  function onUpdate(update: AgentUpdate) {
    if (update.agentVersion <= newestVersion) return;
    newestVersion = update.agentVersion;
    const next = nextAction(update, timing);
    if (!next) return cancelPlan();
    const key = `${next.attemptId}:${next.stage}`;
    if (plan?.key === key) return;
    cancelPlan();
    const action = `${next.attemptId}:${next.type}`;
    if (action === lastAction) return;
    const timer = setTimeout(() => {
      plan = undefined;
      lastAction = action;
      if (next.type === 'accept') send({ type: 'accept', attemptId: next.attemptId, ref: action });
      else
        send({
          type: 'disposition',
          attemptId: next.attemptId,
          disposition: chooseDisposition(random, next.lead, new Date()),
          ref: action,
        });
    }, between(next.delayMs));
    timer.unref();
    plan = { key, timer };
  }

  void connect();
  return {
    async stop() {
      stopped = true;
      signingIn.abort();
      clearTimeout(retry);
      clearInterval(heartbeat);
      cancelPlan();
      await closeSocket(socket);
    },
  };
}

/**
 * What a person would do with this snapshot: accept an offer; finish a connected call after
 * talking; record the outcome of a call the person ended. A call that ended without a contact
 * needs nothing: the dispatcher frees the agent.
 */
function nextAction(update: AgentUpdate, timing: DemoBotTiming) {
  const attempt = update.attempt;
  if (!attempt) return undefined;
  const base = { attemptId: attempt.attemptId, stage: attempt.stage, lead: attempt.lead };
  if (attempt.stage === 'offered') return { ...base, type: 'accept' as const, delayMs: timing.acceptMs };
  if (attempt.stage === 'connected') return { ...base, type: 'disposition' as const, delayMs: timing.talkMs };
  if (attempt.stage === 'wrap_up' && attempt.disposition === null)
    return { ...base, type: 'disposition' as const, delayMs: timing.wrapUpMs };
  return undefined;
}

/**
 * A plausible outcome: about one call in five sells (for roughly what the person asked for),
 * most are not interested, some want a call back in two hours.
 */
export function chooseDisposition(random: () => number, lead: OfferedLead, now: Date): Disposition {
  const roll = random();
  if (roll < 0.2) {
    const asked = lead.amount ?? 10_000;
    const value = Math.max(100, Math.round((asked * (0.6 + 0.4 * random())) / 100) * 100);
    return {
      code: 'sale',
      value,
      ...(lead.currency && /^[A-Z]{3}$/.test(lead.currency) ? { currency: lead.currency } : {}),
    };
  }
  if (roll < 0.65) return { code: 'not_interested' };
  if (roll < 0.85)
    return { code: 'callback', callbackAt: new Date(now.getTime() + 2 * 3_600_000).toISOString() };
  return { code: 'other' };
}

async function signIn(options: BotOptions, signal: AbortSignal): Promise<string> {
  const response = await fetch(`${options.baseUrl}/agent/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: options.username, password: options.password }),
    signal,
  });
  if (!response.ok) throw new Error(`sign-in answered ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${AGENT_ROLE.cookie.name}=`));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie;
}

function closeSocket(socket: WebSocket | undefined): Promise<void> {
  if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    // A server that does not answer the close handshake must not hold the stop up.
    setTimeout(() => socket.terminate(), 1_000).unref();
    socket.close(1000, 'demo stopped');
  });
}
