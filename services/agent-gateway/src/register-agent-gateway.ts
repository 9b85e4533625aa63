import { randomUUID } from 'node:crypto';
import websocket from '@fastify/websocket';
import { type Bus, checkedMessage, type Subscription } from '@pronto/bus';
import { createOriginPolicy, type HttpOptions } from '@pronto/config';
import { AgentUpdateV1, compileValidator, instanceGroup } from '@pronto/contracts';
import type { Database } from '@pronto/db';
import {
  AGENT_ROLE,
  createSessions,
  ProblemError,
  prepareBrowserScope,
  registerSessionRoutes,
  requireSession,
  type Session,
  type Sessions,
  SIGN_IN_UNAVAILABLE,
} from '@pronto/http';
import type { Logger } from '@pronto/telemetry';
import { createSignInThrottle } from '@pronto/tenancy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { createAgentSockets, publicAgent } from './agent-sockets.ts';
import { createCommandPublisher } from './command-publisher.ts';
import { DEFAULT_PUBLIC_DIR, registerDesktopFiles } from './desktop-files.ts';
import { createGatewayPresence, DEFAULT_LEASE_MS } from './gateway-presence.ts';

/** The service whose every instance reads `offers`, each in a group of its own (TOPOLOGY). */
export const AGENT_GATEWAY_GROUP = 'agent-gateway';

export interface AgentGatewayDeps {
  db: Database;
  bus: Bus;
  logger: Logger;
  /** The clock; tests move it. */
  now?: () => Date;
  /** A socket silent for longer is closed (4408) and its agent marked offline. Default 15 s. */
  heartbeatTimeoutMs?: number;
  /** How often the desktop is told to send a heartbeat. Default 5 s. */
  heartbeatIntervalMs?: number;
  /** How long a sign-in lasts. Default 12 h. */
  sessionTtlMs?: number;
  /** Where agent.html and its assets are. Default: this package's public/ folder. */
  publicDir?: string;
  /**
   * PRONTO_PUBLIC_ORIGINS and PRONTO_TRUST_PROXY. Without origins, the desktop is expected at the
   * address the app listens on (http://127.0.0.1:PORT, http://localhost:PORT).
   */
  http?: Partial<HttpOptions>;
  /** Sign-in attempts one client address may make a minute. Default 20. */
  signInsPerAddressPerMinute?: number;
  /** This instance's id: its bus group and its presence rows. Default: a random UUID. */
  instanceId?: string;
  /**
   * PRONTO_GATEWAY_LEASE_SECONDS: how long this instance's agents count as connected after it last
   * renewed its presence (every third of it). Default 10 s.
   */
  leaseMs?: number;
}

export interface AgentGateway {
  readonly instanceId: string;
  /**
   * Closes sockets silent for longer than the heartbeat timeout and renews this instance's presence
   * when due (an interval calls it every second).
   */
  sweep(): Promise<void>;
  /** The ids of the agents with an open socket here. */
  connectedAgents(): string[];
  /** Stops taking updates, closes every socket (publishing each agent's offline) and stops the sweep. */
  close(): Promise<void>;
}

const updateValidator = compileValidator(AgentUpdateV1.schema);

/**
 * Mounts the agent gateway on a fastify app: sign-in sessions, the desktop page and the agents'
 * WebSocket (docs/agent-protocol.md). The app may be the gateway's own or the intake app of the
 * embedded process; the gateway's routes answer their errors as problem+json either way.
 */
export async function registerAgentGateway(
  app: FastifyInstance,
  deps: AgentGatewayDeps,
): Promise<AgentGateway> {
  const { bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const sessionTtlMs = deps.sessionTtlMs ?? 12 * 3_600_000;
  // A desktop's messages are small; ws would otherwise take up to 100 MB per message.
  if (!app.hasPlugin('@fastify/websocket'))
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  const sessions = createSessions({ role: AGENT_ROLE, sql: deps.db.sql, now, ttlMs: sessionTtlMs });
  const instanceId = deps.instanceId ?? randomUUID();
  const presence = createGatewayPresence({
    sql: deps.db.sql,
    logger,
    instanceId,
    now,
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
  });
  // The instance's row first: an agent's presence row must never name an instance that is not there.
  await presence.renewIfDue([]);
  const sockets = createAgentSockets({
    presence,
    commands: createCommandPublisher(bus, now),
    logger,
    now,
    heartbeatIntervalMs: deps.heartbeatIntervalMs ?? 5_000,
    heartbeatTimeoutMs: deps.heartbeatTimeoutMs ?? 15_000,
    liveSessions: (tokens) => sessions.live(tokens),
  });

  const allowsOrigin = createOriginPolicy(deps.http?.publicOrigins, () => app.server.address());
  await app.register(async (scope) => {
    // Problem+json, the guards and JSON bodies, whatever the app around does (in the embedded process
    // it is the intake app, which keeps raw bytes); the routes stay out of its OpenAPI document.
    await prepareBrowserScope(scope, { unavailable: SIGN_IN_UNAVAILABLE, allowsOrigin, now });
    registerSessionRoutes(scope, {
      sessions,
      logger,
      publicUser: publicAgent,
      onSignOut: (tokenSha256) => void sockets.endSession(tokenSha256),
      throttle: createSignInThrottle({ now }),
      signInsPerAddressPerMinute: deps.signInsPerAddressPerMinute ?? 20,
      behindTlsProxy: deps.http?.trustProxy ?? false,
    });
    registerDesktopFiles(scope, deps.publicDir ?? DEFAULT_PUBLIC_DIR);
    registerSocketRoute(scope, sessions, allowsOrigin, (socket, session) => sockets.attach(socket, session));
  });

  const subscription = await subscribeToUpdates(bus, instanceId, (update) => sockets.deliver(update));
  logger.info({ instanceId }, 'agent gateway instance started');
  const sweep = async () => {
    await sockets.sweep();
    await presence.renewIfDue(sockets.connectedAgents());
  };
  const sweeper = setInterval(() => {
    sweep().catch((error: unknown) => logger.warn({ err: error }, 'agent socket sweep failed'));
  }, 1_000);
  sweeper.unref();

  let closed: Promise<void> | undefined;
  const gateway: AgentGateway = {
    instanceId,
    sweep,
    connectedAgents: () => sockets.connectedAgents(),
    close() {
      closed ??= (async () => {
        clearInterval(sweeper);
        await subscription.close();
        await sockets.closeAll();
        // Last: until every agent's offline is out, the rows keep the sweep's promise.
        await presence.stop();
      })();
      return closed;
    },
  };
  // Before the bus and the database go: the agents' offline commands still need the bus.
  app.addHook('preClose', () => gateway.close());
  return gateway;
}

/**
 * Every agent's updates, in a group of this instance's own that starts at the newest (older
 * updates are for sockets this instance did not hold); each instance forwards to the sockets it
 * holds. A desktop that connects gets its state at once all the same: its `online` makes the
 * dispatcher publish the agent's snapshot.
 */
function subscribeToUpdates(
  bus: Bus,
  instanceId: string,
  deliver: (update: AgentUpdateV1['payload']) => void,
): Promise<Subscription> {
  return bus.subscribe({
    topic: AgentUpdateV1.topic,
    group: instanceGroup(AGENT_GATEWAY_GROUP, instanceId),
    ephemeral: true,
    handler: async ({ message }) => {
      deliver(checkedMessage(updateValidator, message, `${AgentUpdateV1.type} v1`).payload);
    },
  });
}

/**
 * GET /agent/ws: the upgrade is refused with 403 unless the desktop's page opened it (Origin: a
 * page elsewhere would otherwise ride on the agent's cookie), then with 401 unless the cookie's
 * session is valid.
 */
function registerSocketRoute(
  scope: FastifyInstance,
  sessions: Sessions,
  allowsOrigin: (origin: string | undefined) => boolean,
  attach: (socket: WebSocket, session: Session) => void,
) {
  const authenticated = new WeakMap<FastifyRequest, Session>();
  scope.get(
    '/agent/ws',
    {
      websocket: true,
      preValidation: async (request) => {
        if (!allowsOrigin(request.headers.origin)) {
          throw new ProblemError(
            'forbidden-origin',
            "Open the socket from the desktop's page: its Origin is missing or not one of Pronto's",
          );
        }
        authenticated.set(request, await requireSession(sessions, request));
      },
    },
    (socket, request) => {
      const session = authenticated.get(request);
      if (session) attach(socket, session);
      else socket.close(4401, 'not signed in');
    },
  );
}
